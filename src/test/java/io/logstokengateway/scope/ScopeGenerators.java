package io.logstokengateway.scope;

import static io.logstokengateway.scope.ScopePropertiesTest.pick;

import io.logstokengateway.scope.IndexExpression.All;
import io.logstokengateway.scope.IndexExpression.DateMath;
import io.logstokengateway.scope.IndexExpression.Item;
import io.logstokengateway.scope.IndexExpression.Name;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Generators of index expressions, paths, queries and bodies over a universe of several tenants' index names. */
final class ScopeGenerators {

    /** A, a tenant whose name extends A's, a tenant whose name A's extends, and B. */
    static final List<String> TENANTS = List.of("logs-aa-00001", "logs-aa-000010", "logs-aa-0000", "logs-bb-00002");
    static final List<String> SUFFIXES = List.of("-a-x", "-i-x", "-i-2024.01.01", "-a-", "-i-", "-x", "", "-i-x-a-y",
            "-a-x-i-y", "-aa", "-i");
    static final List<String> UNIVERSE = universe();
    private static final List<String> FRAGMENTS = List.of("*", "logs-*", "logs-aa-00001*", "logs-aa-0000*", "*-a-*",
            "*-i-*", "logs-aa-00001-*", "logs-aa-00001-a-*", "logs-aa-00001-i-*", "logs-aa-00001-i-2024*", "*x",
            "logs-bb-*", "*00001*", "l*s-aa-00001-a-*", "logs-aa-00001-?-x");
    private static final String JUNK = "ab-*_,:<>{}/|+ %.\\\"#?0";

    private ScopeGenerators() {
    }

    private static List<String> universe() {
        List<String> names = new ArrayList<>(List.of(".kibana", "shapes", "logs", "logs-", "-logs-aa-00001-a-x"));
        for (String tenant : TENANTS) {
            for (String suffix : SUFFIXES) {
                names.add(tenant + suffix);
            }
        }
        return List.copyOf(names);
    }

    /** One to four items joined by commas. */
    static String expression(Random random) {
        List<String> items = new ArrayList<>();
        int count = random.nextInt(3) == 0 ? 1 + random.nextInt(4) : 1;
        for (int i = 0; i < count; i++) {
            items.add(item(random));
        }
        return String.join(",", items);
    }

    static String item(Random random) {
        return switch (random.nextInt(12)) {
            case 0, 1 -> pick(random, UNIVERSE.toArray(String[]::new));
            case 10, 11 -> "logs-aa-00001" + pick(random, SUFFIXES.toArray(String[]::new));
            case 2, 3 -> pick(random, FRAGMENTS.toArray(String[]::new));
            case 4 -> starred(random, pick(random, UNIVERSE.toArray(String[]::new)));
            case 5 -> "_all";
            case 6 -> "-" + (random.nextBoolean() ? pick(random, FRAGMENTS.toArray(String[]::new))
                    : pick(random, UNIVERSE.toArray(String[]::new)));
            case 7 -> dateMath(random);
            case 8 -> "cluster:" + pick(random, UNIVERSE.toArray(String[]::new));
            default -> junk(random);
        };
    }

    /** A universe name with a random part (possibly empty) replaced by a star. */
    private static String starred(Random random, String name) {
        int from = random.nextInt(name.length() + 1);
        int to = from + random.nextInt(name.length() - from + 1);
        return name.substring(0, from) + "*" + name.substring(to);
    }

    private static String dateMath(Random random) {
        String name = pick(random, UNIVERSE.toArray(String[]::new));
        String prefix = name.substring(0, random.nextInt(name.length() + 1));
        return "<" + prefix + pick(random, "{now/d}", "{now/d{yyyy.MM.dd|+12:00}}", "{now-1M/M{yyyy.MM}}")
                + pick(random, "", "-x", "-a-x", "{now/d}") + ">";
    }

    static String junk(Random random) {
        return IndexPatternsPropertiesTest.randomString(random, JUNK, 12);
    }

    /** Percent-encodes what a path segment cannot hold raw, and a random share of the rest. */
    static String encode(Random random, String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            boolean mustEncode = "/+ %?#\\\"".indexOf(c) >= 0 || c > 0x7E;
            if (mustEncode || random.nextInt(5) == 0) {
                out.append(String.format("%%%02X", b & 0xFF));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static String path(Random random) {
        StringBuilder path = new StringBuilder();
        int segments = random.nextInt(5);
        for (int i = 0; i < segments; i++) {
            path.append('/').append(pick(random, "_search", "_all", "*", "logs-aa-00001-a-x", "logs-bb-00002-a-x",
                    "_cat", "indices", "_nodes", "stats", "_doc", "1", "_msearch", "_bulk", "_mapping", "field",
                    "%2F", "%zz", "..", "_cluster", "health", "%3Clogs-aa-00001-i-%7Bnow%2Fd%7D%3E", "logs-*", "",
                    "_alias", "_settings", "_index_template", "logs-aa-00001-i-t", "_search", "scroll", "_all",
                    "point_in_time", "_pit", "_resolve", "index", "_refresh", "_reindex", expression(random)));
        }
        return path.length() == 0 ? "/" : path.toString();
    }

    static String query(Random random) {
        List<String> pairs = new ArrayList<>();
        int count = random.nextInt(4);
        for (int i = 0; i < count; i++) {
            pairs.add(pick(random, "q=a", "level=indices", "level=cluster", "scroll_id=_all", "index=logs-bb-00002-a-x",
                    "%zz", "=", "", "pretty", "filter_path=nodes.*.version", "expand_wildcards=all", "source=%7B%7D",
                    "pipeline=p", "size=10"));
        }
        return String.join("&", pairs);
    }

    static String body(Random random) {
        return pick(random, "", "{}", "{\"query\":{\"match_all\":{}}}", "{}\n{}\n", "not json", "[1,2]",
                "{\"index\":{\"_index\":\"logs-aa-00001-i-x\"}}\n{}\n", "{\"index\":\"logs-bb-00002-a-x\"}\n{}\n",
                "{\"source\":{\"index\":\"logs-aa-00001-a-x\"},\"dest\":{\"index\":\"logs-aa-00001-i-y\"}}",
                "{\"a\":" + "[".repeat(random.nextInt(3000)) + "}", "\u00ff\u00fe", "{\"pit\":{\"id\":\"x\"}}");
    }

    /**
     * A cluster over the universe: each name is an index (some closed, some hidden), an alias of one to three of the
     * indices (whoever's they are), or absent.
     */
    static IndexCatalog catalog(Random random) {
        List<String> indices = new ArrayList<>();
        List<String> aliases = new ArrayList<>();
        for (String name : UNIVERSE) {
            int kind = random.nextInt(20);
            if (kind < 11) {
                indices.add(name);
            } else if (kind < 15) {
                aliases.add(name);
            }
        }
        Map<String, List<String>> aliasesOf = new LinkedHashMap<>();
        for (String alias : aliases) {
            int targets = indices.isEmpty() ? 0 : 1 + random.nextInt(3);
            for (int i = 0; i < targets; i++) {
                aliasesOf.computeIfAbsent(indices.get(random.nextInt(indices.size())), index -> new ArrayList<>()).add(alias);
            }
        }
        List<IndexCatalog.IndexState> states = new ArrayList<>();
        for (String index : indices) {
            states.add(new IndexCatalog.IndexState(index, random.nextInt(10) != 0, random.nextInt(10) == 0,
                    aliasesOf.getOrDefault(index, List.of()).stream().distinct().toList()));
        }
        return IndexCatalog.of(states, 1, 0);
    }

    /**
     * The concrete indices a forwarded expression reaches on this cluster, resolved by brute force the way
     * Elasticsearch resolves it: items in order, wildcards and {@code _all} matching index and alias names (open,
     * non-hidden indices), date math as any name its glob matches, exclusions removing the names matched so far,
     * then aliases replaced by their indices. A name the cluster does not hold stands for itself (a new index).
     */
    static Set<String> reachable(IndexExpression forwarded, IndexCatalog catalog) {
        Set<String> names = new LinkedHashSet<>();
        for (Item item : forwarded.items()) {
            if (item instanceof IndexExpression.Exclusion exclusion) {
                String glob = exclusion.target() instanceof DateMath dateMath ? dateMath.glob() : exclusion.target().text();
                names.removeIf(name -> globMatches(glob, name));
            } else if (item instanceof Name name) {
                names.add(name.text());
            } else {
                String glob = item instanceof All ? "*" : item instanceof DateMath dateMath ? dateMath.glob() : item.text();
                for (IndexCatalog.Entry entry : catalog.entries().values()) {
                    boolean visible = !(entry instanceof IndexCatalog.Index index) || item instanceof DateMath
                            || (index.open() && !index.hidden());
                    if (visible && globMatches(glob, entry.name())) {
                        names.add(entry.name());
                    }
                }
            }
        }
        Set<String> concrete = new LinkedHashSet<>();
        for (String name : names) {
            IndexCatalog.Entry entry = catalog.entries().get(name);
            if (entry instanceof IndexCatalog.Alias alias) {
                concrete.addAll(alias.indices());
            } else {
                concrete.add(name);
            }
        }
        return concrete;
    }

    /** Whether some pattern matches the name, by the independent matcher. */
    static boolean withinPatterns(String name, List<String> patterns) {
        return patterns.stream().anyMatch(pattern -> globMatches(pattern, name));
    }

    /** The universe names an item could match, by brute force (and a name itself, even outside the universe). */
    static List<String> namesMatchedBy(Item item) {
        if (item instanceof All) {
            return UNIVERSE;
        }
        if (item instanceof Name name) {
            return List.of(name.text());
        }
        String glob = item instanceof DateMath dateMath ? dateMath.glob() : item.text();
        List<String> matched = new ArrayList<>();
        for (String name : UNIVERSE) {
            if (globMatches(glob, name)) {
                matched.add(name);
            }
        }
        return matched;
    }

    /** An independent glob matcher (a regular expression), so the check does not rest on the code under test. */
    static boolean globMatches(String glob, String name) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (regex.length() > 0 || glob.startsWith("*")) {
                regex.append(".*");
            }
            regex.append(java.util.regex.Pattern.quote(part));
        }
        return name.matches(glob.startsWith("*") ? regex.substring(2) : regex.toString());
    }
}
