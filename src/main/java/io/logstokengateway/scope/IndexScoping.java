package io.logstokengateway.scope;

import io.logstokengateway.limits.LimitExceeded;
import io.logstokengateway.scope.IndexCatalog.Alias;
import io.logstokengateway.scope.IndexCatalog.Entry;
import io.logstokengateway.scope.IndexCatalog.Index;
import io.logstokengateway.scope.IndexExpression.All;
import io.logstokengateway.scope.IndexExpression.DateMath;
import io.logstokengateway.scope.IndexExpression.Exclusion;
import io.logstokengateway.scope.IndexExpression.Item;
import io.logstokengateway.scope.IndexExpression.Name;
import io.logstokengateway.scope.IndexExpression.Wildcard;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves index expressions for one service against the cluster's {@link IndexCatalog}: a name is not a grant.
 * A read reaches only concrete indices that the read patterns cover: a wildcard, {@code _all} or no index becomes the
 * list of those concrete indices (the aliases it matches contribute their indices, and only when every index they
 * point at is covered); a named alias must point only at covered indices. A write reaches only concrete indices
 * within the write patterns, through its own names or aliases whose every index is within them. What is forwarded
 * is therefore a list of concrete index names (plus names the upstream does not know yet, and date math whose every
 * possible name is safe), never a wildcard, never an alias that could lead elsewhere.
 *
 * <p>A name the catalog does not know is not guessed at: when the catalog was read before the request arrived,
 * resolution stops with {@link CatalogTooOld} and the request is decided again on a catalog read after it.
 */
final class IndexScoping {

    /** What a write may target. */
    enum WriteTargets {
        /** Exactly one name or date math: a document, a bulk default, a new index. */
        ONE,
        /** Names or date math only: index deletion, which must be explicit. */
        NAMES,
        /** Names, date math, or wildcards within the write patterns: refresh, mappings, settings, by-query. */
        PATTERNS
    }

    /**
     * Forwarded when nothing the service may reach matches: a wildcard that can match no index, since index and alias
     * names cannot hold upper-case letters. The upstream then answers as for any wildcard that matches nothing
     * (empty results, or {@code index_not_found_exception} under {@code allow_no_indices=false}).
     */
    static final String NOTHING = "NO-MATCHING-INDEX-*";

    /** Which indices a wildcard reaches ({@code expand_wildcards}): open ones by default. */
    record Expansion(boolean open, boolean closed, boolean hidden) {
        static final Expansion DEFAULT = new Expansion(true, false, false);

        /** From the request's {@code expand_wildcards} ({@code open}, {@code closed}, {@code hidden}, {@code all}, {@code none}). */
        static Expansion of(QueryParameters query) {
            return of(query.value("expand_wildcards"));
        }

        static Expansion of(Optional<String> value) {
            if (value.isEmpty()) {
                return DEFAULT;
            }
            boolean open = false;
            boolean closed = false;
            boolean hidden = false;
            for (String state : value.get().split(",", -1)) {
                switch (state.strip()) {
                    case "open" -> open = true;
                    case "closed" -> closed = true;
                    case "hidden" -> hidden = true;
                    case "all" -> {
                        open = true;
                        closed = true;
                        hidden = true;
                    }
                    case "none" -> {
                    }
                    default -> throw ScopeRefusal.malformed("No enum constant for expand_wildcards: [" + state + "]");
                }
            }
            return new Expansion(open, closed, hidden);
        }

        /** Whether wildcards expand at all ({@code none} makes them match nothing, aliases included). */
        boolean any() {
            return open || closed;
        }

        boolean includes(Index index) {
            return (index.open() ? open : closed) && (!index.hidden() || hidden);
        }
    }

    private ScopeContext context;
    private final List<String> read;
    private final List<String> write;
    private IndexCatalog catalog;
    /** Set once a decision depends on more than the request and the catalog: it must then not be remembered. */
    private boolean reusable = true;

    IndexScoping(ScopeContext context) {
        this.context = context;
        this.read = usable(context.scope().readPatterns());
        this.write = usable(context.scope().writePatterns());
        this.catalog = context.catalog();
    }

    List<String> writePatterns() {
        return write;
    }

    /** The service the request comes from. */
    String service() {
        return context.service();
    }

    SearchContexts contexts() {
        return context.contexts();
    }

    ScopeLimits limits() {
        return context.limits();
    }

    /** Whether the decision taken may be remembered for the same request on the same catalog. */
    boolean reusable() {
        return reusable;
    }

    /** From now on, decides on this catalog, read after the request arrived (a streamed body met a name it did not know). */
    void useCurrentCatalog(IndexCatalog current) {
        context = new ScopeContext(context.service(), context.scope(), current, true, context.contexts(), context.limits(),
                context.indicesChanging());
        catalog = current;
    }

    /**
     * The request will create, delete or re-point indices or aliases: such a decision is not remembered, and whoever
     * keeps the catalog hears of it.
     */
    void indicesChange() {
        reusable = false;
        context.indicesChanging().run();
    }

    /** Marks the decision as depending on the moment (an opened search context id, say). */
    void notReusable() {
        reusable = false;
    }

    /** The concrete indices a read of {@code requested} (absent: every index) reaches, as names to forward. */
    List<String> narrowForRead(Optional<IndexExpression> requested) {
        return narrowForRead(requested, Expansion.DEFAULT);
    }

    List<String> narrowForRead(Optional<IndexExpression> requested, Expansion expansion) {
        return forwardable(resolveRead(requested, expansion), Aliases.EXPAND);
    }

    /**
     * For listings of names ({@code _resolve/index}): as {@link #narrowForRead}, but the aliases reached stay as
     * names, since the listing shows them (their indices are all readable).
     */
    List<String> narrowForListing(Optional<IndexExpression> requested, Expansion expansion) {
        return forwardable(resolveRead(requested, expansion), Aliases.KEEP);
    }

    /** For {@code _cat/aliases}: the aliases within the read patterns whose every index is readable. */
    List<String> readableAliases(Optional<IndexExpression> requested) {
        List<String> aliases = new ArrayList<>();
        resolveRead(requested, Expansion.DEFAULT).forEach((name, resolution) -> {
            if (resolution.entry().isPresent() && resolution.entry().get() instanceof Alias) {
                aliases.add(name);
            }
        });
        return aliases.isEmpty() ? List.of(NOTHING) : aliases;
    }

    private Map<String, Resolved> resolveRead(Optional<IndexExpression> requested, Expansion expansion) {
        if (read.isEmpty()) {
            throw new ScopeRefusal("this token may read no index");
        }
        List<Item> items = requested.map(IndexExpression::items).orElse(List.of(new All()));
        return resolve(items, read, "read", expansion, false);
    }

    /** An index named inside a body (terms lookup, {@code _mget} document, percolate): one index or alias, readable. */
    void requireReadable(IndexExpression expression) {
        requireFewNames(expression.items().size());
        for (Item item : expression.items()) {
            if (item instanceof Name || item instanceof DateMath) {
                resolveNamed(item, read, "read");
            } else {
                throw new ScopeRefusal("[" + item.text() + "] cannot be used in this place through the gateway; name an index");
            }
        }
    }

    /** Names in a body that only weigh results ({@code indices_boost}): names or wildcards within the read patterns. */
    void requireReadableNames(IndexExpression expression) {
        requireFewNames(expression.items().size());
        for (Item item : expression.items()) {
            if (!(item instanceof Name || item instanceof Wildcard || item instanceof DateMath)
                    || !within(globOf(item), read)) {
                throw new ScopeRefusal("the index [" + item.text() + "] is outside the indices this token may read");
            }
        }
    }

    /** A single-document read ({@code _doc}, {@code _source}, {@code _explain}, ...): one readable index or alias. */
    void requireReadableSingle(IndexExpression expression) {
        requireOneConcrete(expression);
        requireReadable(expression);
    }

    /**
     * Write targets, as names to forward. Names, date math and aliases are forwarded as given once proven to reach
     * only indices within the write patterns; wildcards (where allowed) become the concrete indices they reach.
     */
    List<String> requireWritable(IndexExpression expression, WriteTargets targets) {
        if (targets == WriteTargets.ONE) {
            requireOneConcrete(expression);
        }
        for (Item item : expression.items()) {
            boolean allowed = item instanceof Name || item instanceof DateMath
                    || (targets == WriteTargets.PATTERNS && (item instanceof Wildcard || item instanceof Exclusion));
            if (!allowed) {
                throw new ScopeRefusal("a write through the gateway must name its indices; ["
                        + item.text() + "] is not allowed here");
            }
        }
        boolean creates = targets == WriteTargets.ONE;
        // an alias the request names stays (a document written through an alias goes to its write index)
        return forwardable(resolve(expression.items(), write, "write", Expansion.DEFAULT, creates), Aliases.KEEP_NAMED);
    }

    /**
     * The target of one {@code _bulk} document (one index, alias or date math): writable, and when it is a new index,
     * one that fits within the service's limit together with {@code newSoFar}, the new ones of the same body (to which
     * it is added).
     */
    void requireWritableDocument(String target, Set<String> newSoFar) {
        IndexExpression expression = IndexExpression.parse(target);
        requireOneConcrete(expression);
        Item item = expression.items().get(0);
        if (resolveNamed(item, write, "write").isEmpty() && !newSoFar.contains(item.text())) {
            requireRoomForNewIndices(newSoFar.size() + 1);
            newSoFar.add(item.text());
        }
    }

    /** Names of templates the service owns: they must fall within its write patterns, like its indices. */
    void requireOwnedNames(IndexExpression expression, boolean wildcardsAllowed) {
        for (Item item : expression.items()) {
            boolean allowed = item instanceof Name || (wildcardsAllowed && item instanceof Wildcard);
            if (!allowed) {
                throw new ScopeRefusal("the template name [" + item.text() + "] is not allowed here");
            }
            if (!within(item.text(), write)) {
                throw new ScopeRefusal("the template name [" + item.text()
                        + "] is outside the names this token may manage (its write patterns)");
            }
        }
    }

    /** An index pattern of a template: a glob that must stay within the write patterns. */
    void requireTemplatePattern(String pattern) {
        IndexExpression expression = IndexExpression.parse(pattern);
        Item item = expression.items().get(0);
        if (expression.items().size() != 1 || !(item instanceof Name || item instanceof Wildcard)) {
            throw new ScopeRefusal("the template index pattern [" + pattern + "] is not allowed");
        }
        if (!within(item.text(), write)) {
            throw new ScopeRefusal("the index [" + pattern + "] is outside the indices this token may write");
        }
    }

    /** Alias names a service manages: plain names (or, to remove, wildcards) within its write patterns. */
    void requireAliasNames(String text, boolean wildcardsAllowed) {
        for (Item item : IndexExpression.parse(text).items()) {
            boolean allowed = item instanceof Name || (wildcardsAllowed && item instanceof Wildcard);
            if (!allowed) {
                throw new ScopeRefusal("the alias name [" + item.text() + "] is not allowed here");
            }
            if (!within(item.text(), write)) {
                throw new ScopeRefusal("the alias [" + item.text()
                        + "] is outside the names this token may manage (its write patterns)");
            }
        }
    }

    /** Whether an alias name is one the service may read and see: within its read patterns. */
    boolean mayListAlias(String alias) {
        return within(alias, read);
    }

    /** Whether a concrete index may be read by the service. */
    boolean mayRead(String index) {
        return within(index, read);
    }

    /** An expression of more names than {@code limits.max-index-names} is refused before any is resolved. */
    private void requireFewNames(int count) {
        int most = context.limits().maxIndexNames();
        if (count > most) {
            throw new LimitExceeded("max-index-names", 400, null, "an index expression may hold at most " + most + " names, not " + count);
        }
    }

    /** Lines of an NDJSON body beyond {@code limits.max-body-lines} are refused. */
    void requireFewLines(int count) {
        int most = context.limits().maxBodyLines();
        if (count > most) {
            throw new LimitExceeded("max-body-lines", 400, null, "a request body may hold at most " + most + " lines");
        }
    }

    /** Refuses new indices once the service would hold more than it may (its indices: within its write patterns). */
    private void requireRoomForNewIndices(int count) {
        if (count == 0) {
            return;
        }
        Set<String> held = new LinkedHashSet<>();
        for (String pattern : write) {
            for (Entry entry : catalog.matching(pattern)) {
                if (entry instanceof Index) {
                    held.add(entry.name());
                }
            }
        }
        int most = context.limits().maxIndicesPerService();
        if (held.size() + count > most) {
            throw new ScopeRefusal("this service holds " + held.size() + " indices; it may hold at most " + most
                    + ", so it cannot create another");
        }
        indicesChange();
    }

    /**
     * Resolves items in order, as Elasticsearch does: names and wildcards add entries, an exclusion removes the names
     * it matches from what came before it; aliases are expanded at the end. When {@code creates}, a name the upstream
     * does not hold is a new index, which the service must have room for.
     */
    private Map<String, Resolved> resolve(List<Item> items, List<String> patterns, String access, Expansion expansion,
                                          boolean creates) {
        requireFewNames(items.size());
        Map<String, Resolved> resolved = new LinkedHashMap<>();
        boolean wildcardSeen = false;
        int newIndices = 0;
        for (Item item : items) {
            if (item instanceof Exclusion exclusion) {
                if (!wildcardSeen) {
                    throw new ScopeRefusal("the exclusion [" + exclusion.text() + "] must follow a wildcard");
                }
                String glob = globOf(exclusion.target());
                resolved.keySet().removeIf(name -> IndexPatterns.matches(glob, name));
            } else if (item instanceof Wildcard || item instanceof All) {
                String glob = item instanceof All ? "*" : item.text();
                if (patterns.stream().noneMatch(pattern -> IndexPatterns.overlaps(pattern, glob))) {
                    throw new ScopeRefusal("the wildcard [" + glob + "] matches no index this token may " + access);
                }
                for (Entry entry : reachable(glob, patterns, expansion)) {
                    resolved.putIfAbsent(entry.name(), new Resolved(Optional.of(entry), false));
                }
                wildcardSeen = true;
            } else {
                Optional<Entry> entry = resolveNamed(item, patterns, access);
                newIndices += entry.isEmpty() && creates ? 1 : 0;
                resolved.putIfAbsent(item.text(), new Resolved(entry, true));
            }
        }
        requireRoomForNewIndices(newIndices);
        return resolved;
    }

    /** Entries matching {@code glob} within the patterns: covered indices, and aliases pointing only at them. */
    private List<Entry> reachable(String glob, List<String> patterns, Expansion expansion) {
        Set<Entry> out = new LinkedHashSet<>();
        for (String pattern : patterns) {
            if (!IndexPatterns.overlaps(pattern, glob)) {
                continue;
            }
            for (Entry entry : catalog.matching(pattern)) {
                if (!IndexPatterns.matches(glob, entry.name())) {
                    continue;
                }
                if (entry instanceof Index index ? expansion.includes(index)
                        : expansion.any() && pointsOnlyWithin((Alias) entry, patterns)) {
                    out.add(entry);
                }
            }
        }
        return List.copyOf(out);
    }

    /**
     * A name or date math that must be within the patterns; the entry it designates now, or empty when the upstream
     * does not hold it. Date math is checked against every existing name it could resolve to.
     */
    private Optional<Entry> resolveNamed(Item item, List<String> patterns, String access) {
        String glob = globOf(item);
        if (!within(glob, patterns)) {
            throw new ScopeRefusal("the index [" + item.text() + "] is outside the indices this token may " + access);
        }
        List<Entry> candidates = catalog.matching(glob);
        for (Entry candidate : candidates) {
            if (candidate instanceof Alias alias && !pointsOnlyWithin(alias, patterns)) {
                throw new ScopeRefusal("the alias [" + alias.name() + "] leads to indices this token may not " + access);
            }
        }
        if (item instanceof DateMath) {
            if (candidates.isEmpty()) {
                requireCurrentCatalog();
            }
            return Optional.empty(); // forwarded as written: whatever it resolves to is safe
        }
        Optional<Entry> entry = catalog.lookup(item.text());
        if (entry.isEmpty()) {
            requireCurrentCatalog();
        }
        return entry;
    }

    private void requireCurrentCatalog() {
        if (!context.catalogIsCurrent()) {
            throw CatalogTooOld.INSTANCE;
        }
        reusable = false; // a name unknown now may exist by the next request
    }

    private boolean pointsOnlyWithin(Alias alias, List<String> patterns) {
        for (String index : alias.indices()) {
            if (!within(index, patterns)) {
                return false;
            }
        }
        return true;
    }

    /** What becomes of the aliases a request reaches when it is forwarded. */
    private enum Aliases { EXPAND, KEEP, KEEP_NAMED }

    /** A name resolved: what it designates (empty: the upstream does not hold it), and whether the request named it. */
    private record Resolved(Optional<Entry> entry, boolean named) {
    }

    /**
     * Aliases become their indices, or stay as {@code aliases} says; names the upstream does not hold stay; nothing
     * becomes {@link #NOTHING}.
     */
    private static List<String> forwardable(Map<String, Resolved> resolved, Aliases aliases) {
        Set<String> out = new LinkedHashSet<>();
        for (Map.Entry<String, Resolved> name : resolved.entrySet()) {
            Resolved resolution = name.getValue();
            boolean keep = aliases == Aliases.KEEP || (aliases == Aliases.KEEP_NAMED && resolution.named());
            if (!keep && resolution.entry().isPresent() && resolution.entry().get() instanceof Alias alias) {
                out.addAll(alias.indices());
            } else {
                out.add(name.getKey());
            }
        }
        return out.isEmpty() ? List.of(NOTHING) : List.copyOf(out);
    }

    /**
     * The patterns that are one name or glob; anything else (a comma, a remote cluster, date math, an exclusion)
     * cannot be a pattern and is dropped, which only ever takes access away.
     */
    private static List<String> usable(List<String> patterns) {
        return patterns.stream().filter(IndexScoping::isNameOrGlob).toList();
    }

    private static boolean isNameOrGlob(String pattern) {
        try {
            List<Item> items = IndexExpression.parse(pattern).items();
            return items.size() == 1 && (items.get(0) instanceof Name || items.get(0) instanceof Wildcard);
        } catch (ScopeRefusal refused) {
            return false;
        }
    }

    static boolean within(String glob, List<String> patterns) {
        for (String pattern : patterns) {
            if (IndexPatterns.isSubset(glob, pattern)) {
                return true;
            }
        }
        return false;
    }

    /** The names an item can resolve to, as a glob: a name is its own glob, date math has stars for placeholders. */
    private static String globOf(Item item) {
        return item instanceof DateMath dateMath ? dateMath.glob() : item.text();
    }

    private static void requireOneConcrete(IndexExpression expression) {
        Item item = expression.items().get(0);
        if (expression.items().size() != 1 || !(item instanceof Name || item instanceof DateMath)) {
            throw new ScopeRefusal("this request needs exactly one index name, not [" + expression.text() + "]");
        }
    }

    /** The catalog was read before the request arrived and does not know a name it uses: read it again, decide again. */
    static final class CatalogTooOld extends RuntimeException {
        static final CatalogTooOld INSTANCE = new CatalogTooOld();

        private CatalogTooOld() {
            super("the index catalog must be read again", null, false, false);
        }
    }
}
