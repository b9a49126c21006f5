package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The cluster's concrete indices and aliases at one moment, as the upstream reported them: what index scoping
 * resolves names, wildcards and aliases against, so that a permission holds on the concrete indices a request reaches
 * rather than on the names it uses. Immutable; the proxy replaces it as the cluster changes.
 *
 * @param generation     increases with every change the gateway saw; 0 before the first answer
 * @param fetchedAtNanos when the upstream was asked ({@link System#nanoTime()}), so a request can tell whether this
 *                       catalog was read after it arrived
 */
public record IndexCatalog(NavigableMap<String, Entry> entries, long generation, long fetchedAtNanos) {

    /** Before the first answer of the upstream: knows nothing, so every name it is asked about is resolved again. */
    public static final IndexCatalog EMPTY = new IndexCatalog(new TreeMap<>(), 0, 0);

    /** What a name designates. */
    public sealed interface Entry permits Index, Alias {
        String name();
    }

    /** A concrete index. */
    public record Index(String name, boolean open, boolean hidden) implements Entry {
    }

    /** An alias and the concrete indices it points at. */
    public record Alias(String name, List<String> indices) implements Entry {
        public Alias {
            indices = List.copyOf(indices);
        }
    }

    /** One index of the cluster state, with the aliases that point at it. */
    public record IndexState(String name, boolean open, boolean hidden, List<String> aliases) {
    }

    public IndexCatalog {
        entries = Collections.unmodifiableNavigableMap(new TreeMap<>(entries));
    }

    /** Builds the catalog from the indices of a cluster state; aliases are gathered from the indices they point at. */
    public static IndexCatalog of(Collection<IndexState> indices, long generation, long fetchedAtNanos) {
        NavigableMap<String, Entry> entries = new TreeMap<>();
        Map<String, List<String>> aliases = new LinkedHashMap<>();
        for (IndexState index : indices) {
            entries.put(index.name(), new Index(index.name(), index.open(), index.hidden()));
            for (String alias : index.aliases()) {
                aliases.computeIfAbsent(alias, name -> new ArrayList<>()).add(index.name());
            }
        }
        aliases.forEach((name, targets) -> entries.putIfAbsent(name, new Alias(name, targets)));
        return new IndexCatalog(entries, generation, fetchedAtNanos);
    }

    /**
     * From the answer to {@code GET /_cluster/state/metadata} (filtered to each index's {@code state}, {@code aliases}
     * and {@code settings.index.hidden}).
     */
    public static IndexCatalog fromClusterState(JsonNode state, long generation, long fetchedAtNanos) {
        List<IndexState> indices = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> entries = state.path("metadata").path("indices").fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            JsonNode index = entry.getValue();
            List<String> aliases = new ArrayList<>();
            index.path("aliases").forEach(alias -> aliases.add(alias.asText()));
            indices.add(new IndexState(entry.getKey(), !"close".equals(index.path("state").asText()),
                    index.path("settings").path("index").path("hidden").asBoolean(false), aliases));
        }
        return of(indices, generation, fetchedAtNanos);
    }

    /** The entry of exactly this name. */
    public Optional<Entry> lookup(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** Every entry whose name matches {@code glob} ({@code *} wildcards), found through the glob's literal prefix. */
    public List<Entry> matching(String glob) {
        int star = glob.indexOf('*');
        if (star < 0) {
            return lookup(glob).map(List::of).orElse(List.of());
        }
        String prefix = glob.substring(0, star);
        Collection<Entry> candidates = prefix.isEmpty()
                ? entries.values()
                : entries.subMap(prefix, true, prefix + Character.MAX_VALUE, false).values();
        List<Entry> out = new ArrayList<>();
        for (Entry entry : candidates) {
            if (IndexPatterns.matches(glob, entry.name())) {
                out.add(entry);
            }
        }
        return out;
    }

    /** Whether the upstream was asked after {@code nanos}: then a name this catalog does not know does not exist. */
    public boolean fetchedSince(long nanos) {
        return generation > 0 && fetchedAtNanos - nanos >= 0;
    }
}
