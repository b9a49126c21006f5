package io.logstokengateway.scope;

import io.logstokengateway.scope.IndexExpression.All;
import io.logstokengateway.scope.IndexExpression.DateMath;
import io.logstokengateway.scope.IndexExpression.Exclusion;
import io.logstokengateway.scope.IndexExpression.Item;
import io.logstokengateway.scope.IndexExpression.Name;
import io.logstokengateway.scope.IndexExpression.Wildcard;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks and narrows index expressions against one service's read and write patterns. Whatever it returns for
 * forwarding has positive items that are each provably within the patterns (a name they match, a glob that is a
 * subset of one of them), followed only by exclusions, which can remove indices but never add one.
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

    private final List<String> read;
    private final List<String> write;

    IndexScoping(ServiceScope scope) {
        this.read = usable(scope.readPatterns());
        this.write = usable(scope.writePatterns());
    }

    List<String> writePatterns() {
        return write;
    }

    /**
     * The items to forward for a read. An absent expression, {@code _all} and a wildcard wider than some read
     * patterns become those patterns; a wildcard that covers no whole pattern is refused even if it overlaps one,
     * because the part it shares with a pattern is not always expressible as a glob. Narrowing never widens:
     * indices in such a partial overlap are simply not returned when the wildcard also covers another pattern.
     */
    List<String> narrowForRead(Optional<IndexExpression> requested) {
        if (requested.isEmpty()) {
            return allOf(read, "read");
        }
        List<String> out = new ArrayList<>();
        boolean wildcardSeen = false;
        for (Item item : requested.get().items()) {
            if (item instanceof Exclusion exclusion) {
                out.add(requireAfterWildcard(exclusion, wildcardSeen));
            } else if (item instanceof All) {
                addDistinct(out, allOf(read, "read"));
                wildcardSeen = true;
            } else if (item instanceof Wildcard wildcard) {
                addDistinct(out, narrowWildcard(wildcard.text()));
                wildcardSeen = true;
            } else {
                addDistinct(out, List.of(requireWithin(globOf(item), item.text(), read, "read")));
            }
        }
        return List.copyOf(out);
    }

    /** An index named inside a body (terms lookup, {@code _mget} docs, reindex source): no narrowing, just proof. */
    void requireReadable(IndexExpression expression) {
        for (Item item : expression.items()) {
            if (item instanceof All || item instanceof Exclusion) {
                throw new ScopeRefusal("[" + item.text() + "] cannot be used in this place through the gateway");
            }
            requireWithin(globOf(item), item.text(), read, "read");
        }
    }

    /** A single-document read ({@code _doc}, {@code _source}, {@code _explain}, ...): one readable index. */
    void requireReadableSingle(IndexExpression expression) {
        requireOneConcrete(expression);
        requireReadable(expression);
    }

    /** A write target; returns the items to forward, unchanged (writes are never narrowed). */
    List<String> requireWritable(IndexExpression expression, WriteTargets targets) {
        if (targets == WriteTargets.ONE) {
            requireOneConcrete(expression);
        }
        List<String> out = new ArrayList<>();
        boolean wildcardSeen = false;
        boolean patternsAllowed = targets == WriteTargets.PATTERNS;
        for (Item item : expression.items()) {
            if (item instanceof Name || item instanceof DateMath || (patternsAllowed && item instanceof Wildcard)) {
                out.add(requireWithin(globOf(item), item.text(), write, "write"));
                wildcardSeen |= item instanceof Wildcard;
            } else if (patternsAllowed && item instanceof Exclusion exclusion) {
                out.add(requireAfterWildcard(exclusion, wildcardSeen));
            } else {
                throw new ScopeRefusal("a write through the gateway must name its indices; ["
                        + item.text() + "] is not allowed here");
            }
        }
        return out;
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
        requireWithin(item.text(), item.text(), write, "write");
    }

    /**
     * The patterns that are one name or glob, as narrowing forwards them; anything else (a comma, a remote cluster,
     * date math, an exclusion) cannot be a pattern and is dropped, which only ever takes access away.
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
        return patterns.stream().anyMatch(pattern -> IndexPatterns.isSubset(glob, pattern));
    }

    /** The names an item can resolve to, as a glob: a name is its own glob, date math has stars for placeholders. */
    private static String globOf(Item item) {
        return item instanceof DateMath dateMath ? dateMath.glob() : item.text();
    }

    /** Skips repeats, but only before any exclusion: after one, a repeat adds back what it removed. */
    private static void addDistinct(List<String> out, List<String> items) {
        boolean exclusionSeen = out.stream().anyMatch(item -> item.startsWith("-"));
        for (String item : items) {
            if (exclusionSeen || !out.contains(item)) {
                out.add(item);
            }
        }
    }

    private List<String> narrowWildcard(String wildcard) {
        if (within(wildcard, read)) {
            return List.of(wildcard);
        }
        List<String> covered = read.stream().filter(pattern -> IndexPatterns.isSubset(pattern, wildcard)).toList();
        if (!covered.isEmpty()) {
            return covered;
        }
        boolean overlaps = read.stream().anyMatch(pattern -> IndexPatterns.overlaps(pattern, wildcard));
        throw new ScopeRefusal(overlaps
                ? "the wildcard [" + wildcard + "] cannot be narrowed to the indices this token may read"
                : "the wildcard [" + wildcard + "] matches no index this token may read");
    }

    private static List<String> allOf(List<String> patterns, String access) {
        if (patterns.isEmpty()) {
            throw new ScopeRefusal("this token may " + access + " no index");
        }
        return patterns;
    }

    private static String requireWithin(String glob, String shown, List<String> patterns, String access) {
        if (!within(glob, patterns)) {
            throw new ScopeRefusal("the index [" + shown + "] is outside the indices this token may " + access);
        }
        return shown;
    }

    private static String requireAfterWildcard(Exclusion exclusion, boolean wildcardSeen) {
        if (!wildcardSeen) {
            throw new ScopeRefusal("the exclusion [" + exclusion.text() + "] must follow a wildcard");
        }
        return exclusion.text();
    }

    private static void requireOneConcrete(IndexExpression expression) {
        Item item = expression.items().get(0);
        if (expression.items().size() != 1 || !(item instanceof Name || item instanceof DateMath)) {
            throw new ScopeRefusal("this request needs exactly one index name, not [" + expression.text() + "]");
        }
    }
}
