package io.logstokengateway.e2e;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.logstokengateway.e2e.TwoTenants.A;
import static io.logstokengateway.e2e.TwoTenants.B;
import static io.logstokengateway.e2e.TwoTenants.SHARED;

/**
 * Request forms a hostile tenant (A) would try against {@link TwoTenants}, generated and mutated from a grammar:
 * index expressions (names, aliases, wildcards, {@code _all}, exclusions, date math, remote clusters, encodings),
 * query strings with {@code &}, {@code ;}, their encodings and repeats, bodies of every multi-target API, and scroll
 * and point-in-time ids taken from real answers, then decoded, altered and re-encoded. Each request is a function of
 * its seed alone, so a failure is reproduced from the seed it prints.
 */
final class IsolationGrammar {

    /** One generated request, and the family of attack it belongs to. */
    record Form(String family, String method, String target, String contentType, String body) {
        @Override
        public String toString() {
            return method + " " + target + (body == null ? "" : " " + body.replace("\n", "\\n"));
        }
    }

    private static final String[] A_NAMES = {A + "-i-app", A + "-i-web", A + "-a-all", A + "-a-evil", A + "-i-evil",
            A + "-i-new", SHARED};
    private static final String[] B_NAMES = {B + "-i-app", B + "-i-private", B + "-a-all", B + "-a-onshared"};
    private static final String[] WILDCARDS = {"*", "_all", "logs-*", "logs-fz-*", A + "-*", A + "-a-*", A + "-i-*",
            B + "-*", "*-private", "*evil*", "shared-*", "logs-fz-0000*", "*-a-*", "l*-fz-00002-i-*"};
    private static final String[] DATE_MATH = {"<" + A + "-i-{now/d}>", "<" + A + "-a-{now/d}>", "<" + B + "-i-{now/d}>",
            "<logs-fz-0000{now/d}>", "<" + A + "-a-evi{now/d}>"};
    private static final String[] READ_ENDPOINTS = {"_search", "_count", "_msearch", "_mget", "_field_caps", "_mapping",
            "_settings", "_stats", "_alias", "_aliases", "_segments", "_recovery", "_validate/query", "_search/point_in_time",
            "_pit", "_async_search", "_explain/b1", "_doc/b1", "_source/p1", "_doc/a1", "_termvectors/b1", "_mtermvectors",
            "", "_alias/*", "_mapping/field/message"};
    private static final String[] WRITE_ENDPOINTS = {"_doc", "_doc/x1", "_create/x2", "_update/b1", "_bulk",
            "_delete_by_query", "_update_by_query", "_refresh", "_mapping", "_settings", "_alias/" + A + "-i-alias",
            "_flush", ""};
    private static final String[] INDEXLESS = {"/_search", "/_msearch", "/_mget", "/_count", "/_field_caps", "/_mapping",
            "/_settings", "/_stats", "/_alias", "/_aliases", "/_cat/indices", "/_cat/aliases", "/_cat/count", "/_cat/shards",
            "/_cluster/health", "/_resolve/index/*", "/_nodes", "/_bulk", "/_reindex", "/_aliases", "/_search/scroll",
            "/_pit", "/_search/point_in_time", "/_cluster/state", "/_tasks", "/_index_template", "/_template",
            "/_cat/aliases/*", "/_cat/indices/*", "/_resolve/index/logs-*", "/", "/_cat/health"};
    private static final String[] PARAMETERS = {"q=*", "q=message:app", "size=100", "level=indices", "level=shards",
            "index=" + B + "-i-private", "index=" + B + "-i-app", "source=%7B%22query%22%3A%7B%22match_all%22%3A%7B%7D%7D%7D",
            "scroll=10s", "expand_wildcards=all", "expand_wildcards=open,hidden", "expand_wildcards=none",
            "ignore_unavailable=true", "allow_no_indices=false", "filter_path=hits.hits._source", "pretty", "pipeline=p",
            "routing=r", "keep_alive=10s", "format=json", "h=index,alias", "v", "search_pipeline=s", "realtime=true",
            "refresh=true", "typed_keys=true", "rest_total_hits_as_int=true", "preference=_local", "df=message",
            "max_concurrent_shard_requests=5", "allow_partial_pit_creation=true"};
    private static final String[] COMMON_PARAMETERS = {"pretty", "human=true", "error_trace=false",
            "filter_path=-_shards", "filter_path=*"};
    private static final String[] SEPARATORS = {"&", "&", "&", ";", "%26", "%3B", "&&", ";&"};

    private final Map<String, List<String>> ids;

    /** @param ids search context ids by owner ("a-sealed", "b-sealed", "b-raw"), as real answers carried them */
    IsolationGrammar(Map<String, List<String>> ids) {
        this.ids = Map.copyOf(ids);
    }

    Form form(long seed) {
        Random random = new Random(seed);
        return switch (random.nextInt(12)) {
            case 0, 1, 2 -> read(random);
            case 3 -> indexless(random);
            case 4 -> write(random);
            case 5, 6 -> withBody(random);
            case 7, 8 -> searchContext(random);
            case 9 -> listing(random);
            case 10 -> capacity(random);
            default -> mutated(random, random.nextBoolean() ? read(random) : withBody(random));
        };
    }

    private Form read(Random random) {
        String method = pick(random, "GET", "GET", "POST", "HEAD");
        String endpoint = pick(random, READ_ENDPOINTS);
        String path = "/" + expression(random) + (endpoint.isEmpty() ? "" : "/" + endpoint);
        return new Form("names and wildcards", method, path + query(random), null, null);
    }

    private Form indexless(Random random) {
        return new Form("index-less and cluster requests", pick(random, "GET", "POST", "GET", "DELETE"), pick(random, INDEXLESS) + query(random), null, null);
    }

    private Form write(Random random) {
        String method = pick(random, "POST", "PUT", "DELETE");
        String endpoint = pick(random, WRITE_ENDPOINTS);
        String target = random.nextInt(3) == 0 ? encode(random, pick(random, B_NAMES)) : expression(random);
        String path = "/" + target + (endpoint.isEmpty() ? "" : "/" + endpoint);
        if (method.equals("DELETE") && endpoint.isEmpty() && (target.contains(A + "-i-app") || target.contains(A + "-i-web"))) {
            method = "GET"; // keep A's own data for the rest of the run
        }
        // documents hold A's own text only, so that a name of B's in an answer can only come from B
        String body = switch (endpoint) {
            case "_doc", "_doc/x1", "_create/x2" -> "{\"message\":\"written by A\"}";
            case "_update/b1" -> "{\"doc\":{\"message\":\"updated by A\"}}";
            default -> searchBody(random);
        };
        return new Form("writes", method, path + query(random), "application/json", body);
    }

    private Form withBody(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> new Form("bodies naming indices", "POST", pathWithOptionalIndex(random, "_msearch") + query(random), "application/x-ndjson", multiSearch(random));
            case 1 -> new Form("bodies naming indices", "POST", pathWithOptionalIndex(random, "_mget") + query(random), "application/json", multiGet(random));
            case 2 -> new Form("bodies naming indices", "POST", pathWithOptionalIndex(random, "_bulk") + query(random), "application/x-ndjson", bulk(random));
            case 3 -> new Form("bodies naming indices", "POST", "/_reindex" + query(random), "application/json", "{\"source\":{\"index\":"
                    + jsonExpression(random) + "},\"dest\":{\"index\":\"" + A + "-i-copy\"}}");
            case 4 -> new Form("bodies naming indices", "POST", "/_aliases", "application/json", "{\"actions\":[{\"" + pick(random, "add", "remove")
                    + "\":{\"index\":" + jsonExpression(random) + ",\"alias\":\"" + pick(random, A + "-i-mine", A + "-a-mine",
                    B + "-a-all", A + "-a-evil") + "\"}}]}");
            case 5 -> new Form("bodies naming indices", "POST", pathWithOptionalIndex(random, "_update_by_query") + query(random), "application/json",
                    "{\"query\":{\"match_all\":{}},\"script\":{\"source\":\"ctx._source.message='x'\"}}");
            default -> new Form("bodies naming indices", pick(random, "GET", "POST"), pathWithOptionalIndex(random, "_search") + query(random),
                    "application/json", searchBody(random));
        };
    }

    private Form searchContext(Random random) {
        String id = contextId(random);
        return switch (random.nextInt(9)) {
            case 0 -> new Form("scroll and point-in-time ids", "POST", "/_search/scroll", "application/json", "{\"scroll\":\"10s\",\"scroll_id\":\"" + id + "\"}");
            case 1 -> new Form("scroll and point-in-time ids", "GET", "/_search/scroll/" + id + "?scroll=10s", null, null);
            case 2 -> new Form("scroll and point-in-time ids", "GET", "/_search/scroll?scroll=10s&scroll_id=" + id, null, null);
            case 3 -> new Form("scroll and point-in-time ids", "DELETE", "/_search/scroll", "application/json", "{\"scroll_id\":[\"" + id + "\"]}");
            case 4 -> new Form("scroll and point-in-time ids", "DELETE", "/_search/scroll/" + id, null, null);
            case 5 -> new Form("scroll and point-in-time ids", "POST", pathWithOptionalIndex(random, "_search"), "application/json",
                    "{\"pit\":{\"id\":\"" + id + "\",\"keep_alive\":\"10s\"},\"size\":100}");
            case 6 -> new Form("scroll and point-in-time ids", "POST", "/_msearch", "application/x-ndjson", "{}\n{\"pit\":{\"id\":\"" + id + "\"}}\n");
            case 7 -> new Form("scroll and point-in-time ids", "DELETE", "/_search/point_in_time", "application/json", "{\"pit_id\":[\"" + id + "\"]}");
            default -> new Form("scroll and point-in-time ids", "DELETE", "/_pit", "application/json", "{\"id\":\"" + id + "\"}");
        };
    }

    private Form listing(Random random) {
        String expression = expression(random);
        String path = pick(random, "/_cat/indices/", "/_cat/aliases/", "/_resolve/index/", "/_cat/count/", "/_cat/shards/",
                "/_cluster/health/", "/" + expression + "/_alias/", "/_alias/");
        String tail = path.endsWith("_alias/") && !path.startsWith("/_alias") ? pick(random, "*", A + "-a-*", B + "-a-*", "_all")
                : expression;
        if (path.equals("/_cluster/health/")) {
            // health waits up to its timeout (30 s) for an index that does not exist: do not wait that long
            String query = query(random);
            return new Form("listings", "GET", path + tail + "?timeout=100ms" + (query.isEmpty() ? "" : "&" + query.substring(1)), null, null);
        }
        return new Form("listings", "GET", path + tail + query(random), null, null);
    }

    private Form capacity(Random random) {
        String name = A + "-i-cap" + random.nextInt(3);
        String settings = "{\"settings\":{\"" + pick(random, "number_of_shards", "index.number_of_shards", "number_of_replicas",
                "index.number_of_replicas", "auto_expand_replicas", "index.number_of_routing_shards") + "\":"
                + pick(random, "1", "50", "\"0-all\"", "1000", "\"3\"") + "}}";
        return switch (random.nextInt(3)) {
            case 0 -> new Form("capacity", "PUT", "/" + name + query(random), "application/json", settings);
            case 1 -> new Form("capacity", "PUT", "/_index_template/" + A + "-i-tpl", "application/json", "{\"index_patterns\":[\""
                    + A + "-i-tpl*\"],\"template\":" + settings + "}");
            default -> new Form("capacity", "PUT", "/" + A + "-i-app/_settings", "application/json", settings.replace("{\"settings\":", "").replaceFirst("}$", ""));
        };
    }

    /** A request with one of its parts altered: a character encoded, a separator doubled, a segment repeated. */
    private Form mutated(Random random, Form form) {
        String target = form.target();
        int at = random.nextInt(target.length());
        String mutatedTarget = switch (random.nextInt(5)) {
            case 0 -> target.substring(0, at) + "%" + String.format("%02X", (int) target.charAt(at)) + target.substring(at + 1);
            case 1 -> target.substring(0, at) + pick(random, ";", "&", "%3B", "/", "//", "%2F", "..", "%2e%2e", "+", "%00", ",")
                    + target.substring(at);
            case 2 -> target + pick(random, SEPARATORS) + pick(random, PARAMETERS);
            case 3 -> target.replace("fz-00001", pick(random, "fz-00002", "fz-0000%31", "fz-00001%2C" + B + "-i-private"));
            default -> target.toUpperCase(java.util.Locale.ROOT);
        };
        return new Form("mutated targets", form.method(), mutatedTarget, form.contentType(), form.body());
    }

    private String pathWithOptionalIndex(Random random, String endpoint) {
        return random.nextInt(3) == 0 ? "/" + endpoint : "/" + expression(random) + "/" + endpoint;
    }

    private String searchBody(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "{\"query\":{\"match_all\":{}},\"size\":100}";
            case 1 -> "{\"query\":{\"terms\":{\"message\":{\"index\":" + jsonExpression(random) + ",\"id\":\"p1\",\"path\":\"message\"}}}}";
            case 2 -> "{\"query\":{\"more_like_this\":{\"fields\":[\"message\"],\"like\":[{\"_index\":" + jsonExpression(random)
                    + ",\"_id\":\"p1\"}],\"min_term_freq\":1,\"min_doc_freq\":1}}}";
            case 3 -> "{\"size\":0,\"aggs\":{\"indices\":{\"terms\":{\"field\":\"_index\"}}}}";
            case 4 -> "{\"query\":{\"query_string\":{\"query\":\"*\"}},\"size\":100,\"indices_boost\":[{" + jsonExpression(random) + ":2}]}";
            case 5 -> "{\"query\":{\"wrapper\":{\"query\":\"eyJtYXRjaF9hbGwiOnt9fQ==\"}}}";
            case 6 -> "{\"suggest\":{\"s\":{\"text\":\"app\",\"term\":{\"field\":\"message\"}}},\"size\":100}";
            default -> "{\"query\":{\"ids\":{\"values\":[\"b1\",\"p1\",\"a1\"]}},\"size\":100}";
        };
    }

    private String multiSearch(Random random) {
        StringBuilder body = new StringBuilder();
        int searches = 1 + random.nextInt(3);
        for (int i = 0; i < searches; i++) {
            String header = switch (random.nextInt(4)) {
                case 0 -> "{}";
                case 1 -> "{\"index\":" + jsonExpression(random) + "}";
                case 2 -> "{\"index\":[" + jsonExpression(random) + "," + jsonExpression(random) + "]}";
                default -> "{\"indices\":" + jsonExpression(random) + ",\"expand_wildcards\":\"all\"}";
            };
            body.append(header).append('\n').append(searchBody(random)).append('\n');
        }
        return body.toString();
    }

    private String multiGet(Random random) {
        return random.nextBoolean() ? "{\"ids\":[\"b1\",\"p1\",\"a1\"]}"
                : "{\"docs\":[{\"_index\":" + jsonExpression(random) + ",\"_id\":\"p1\"},{\"_index\":" + jsonExpression(random)
                + ",\"_id\":\"b1\"}]}";
    }

    private String bulk(Random random) {
        StringBuilder body = new StringBuilder();
        int actions = 1 + random.nextInt(3);
        for (int i = 0; i < actions; i++) {
            String target = random.nextBoolean() ? ",\"_index\":" + jsonExpression(random) : "";
            String action = pick(random, "index", "create", "delete", "update");
            body.append("{\"").append(action).append("\":{\"_id\":\"w").append(random.nextInt(5)).append('"').append(target).append("}}\n");
            if (action.equals("update")) {
                body.append("{\"doc\":{\"message\":\"updated by A\"}}\n");
            } else if (!action.equals("delete")) {
                body.append("{\"message\":\"written by A\"}\n");
            }
        }
        return body.toString();
    }

    /** A search context id: A's own (sealed), B's sealed or raw, or one of them altered. */
    private String contextId(Random random) {
        List<String> pool = ids.get(pick(random, "a-sealed", "b-sealed", "b-raw", "b-raw"));
        String id = pool.get(random.nextInt(pool.size()));
        return switch (random.nextInt(4)) {
            case 0 -> id;
            case 1 -> alterDecoded(random, id);
            case 2 -> id.substring(0, Math.max(1, id.length() - 1 - random.nextInt(4)));
            default -> flip(random, id);
        };
    }

    /** Decodes the id, moves a number in it (a context counter) by one or two, and encodes it again. */
    private static String alterDecoded(Random random, String id) {
        boolean url = id.indexOf('+') < 0 && id.indexOf('/') < 0 && !id.endsWith("=");
        byte[] bytes;
        try {
            bytes = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(id);
        } catch (IllegalArgumentException notBase64) {
            return flip(random, id);
        }
        int at = bytes.length / 2 + random.nextInt(Math.max(1, bytes.length / 2));
        bytes[Math.min(at, bytes.length - 1)] += (byte) (random.nextBoolean() ? 1 : 2);
        return (url ? Base64.getUrlEncoder().withoutPadding() : Base64.getEncoder()).encodeToString(bytes);
    }

    private static String flip(Random random, String id) {
        int at = random.nextInt(id.length());
        char replacement = id.charAt(at) == 'A' ? 'B' : 'A';
        return id.substring(0, at) + replacement + id.substring(at + 1);
    }

    private String expression(Random random) {
        List<String> items = new ArrayList<>();
        int count = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
        for (int i = 0; i < count; i++) {
            items.add(item(random));
        }
        return encode(random, String.join(",", items));
    }

    private String jsonExpression(Random random) {
        return "\"" + item(random) + "\"";
    }

    private String item(Random random) {
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> pick(random, A_NAMES);
            case 3, 4 -> pick(random, B_NAMES);
            case 5, 6 -> pick(random, WILDCARDS);
            case 7 -> pick(random, DATE_MATH);
            case 8 -> "-" + pick(random, pick(random, A_NAMES), pick(random, WILDCARDS), pick(random, B_NAMES));
            default -> pick(random, "remote:" + B + "-i-private", "*:" + A + "-i-app", B + "-i-private::data", ".kibana", "");
        };
    }

    /** Half the time none; else one to three parameters, hostile ones among those every request takes. */
    private String query(Random random) {
        if (random.nextBoolean()) {
            return "";
        }
        int count = 1 + random.nextInt(3);
        StringBuilder query = new StringBuilder("?");
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                query.append(pick(random, SEPARATORS));
            }
            query.append(random.nextInt(3) == 0 ? pick(random, PARAMETERS) : pick(random, COMMON_PARAMETERS));
        }
        return query.toString();
    }

    /** Percent-encodes what a path segment cannot carry raw, and a random share of the rest. */
    private static String encode(Random random, String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            boolean mustEncode = " <>{}|\\^`\"#%?".indexOf(c) >= 0 || c > 0x7E || c < 0x20;
            if (mustEncode || random.nextInt(12) == 0) {
                out.append(String.format("%%%02X", b & 0xFF));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** The ids a fixture offers, by owner. */
    static Map<String, List<String>> ids(String aSealedScroll, String aSealedPit, String bSealedScroll, String bSealedPit,
                                          String bRawScroll, String bRawPit) {
        Map<String, List<String>> ids = new LinkedHashMap<>();
        ids.put("a-sealed", List.of(aSealedScroll, aSealedPit));
        ids.put("b-sealed", List.of(bSealedScroll, bSealedPit));
        ids.put("b-raw", List.of(bRawScroll, bRawPit));
        return ids;
    }
}
