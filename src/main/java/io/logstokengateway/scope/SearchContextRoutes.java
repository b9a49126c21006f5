package io.logstokengateway.scope;

import static io.logstokengateway.scope.Route.IndexPart.NONE;
import static io.logstokengateway.scope.Route.IndexPart.REQUIRED;
import static io.logstokengateway.scope.Route.route;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logstokengateway.crypto.SearchContextSeal.Kind;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scrolls, points in time and async searches: the requests that create them have the ids in their answers sealed
 * for the service ({@link SearchContexts}); the requests that use or close them must bring ids that open for the
 * service, wherever they put them (path, query string or body), and are forwarded with the upstream ids in a
 * canonical place (the body, as JSON). An id that does not open is answered as the upstream answers one it no
 * longer holds; {@code _all} is refused, since it would close every tenant's.
 */
final class SearchContextRoutes {

    private static final List<String> SCROLL_ID = List.of("_scroll_id");
    private static final List<String> PIT_ID = List.of("pit_id");
    private static final List<String> ID = List.of("id");
    private static final List<String> ASYNC_PIT_ID = List.of("response", "pit_id");
    private static final List<String> MULTI_PIT_ID = List.of("responses", "*", "pit_id");
    private static final List<String> CLOSED_PIT_ID = List.of("pits", "*", "pit_id");

    private SearchContextRoutes() {
    }

    static List<Route> routes() {
        return List.of(
                route("GET POST", NONE, "_search/scroll", Parameters.SCROLL, SearchContextRoutes::continueScroll),
                route("GET POST", NONE, "_search/scroll/*", Parameters.SCROLL, SearchContextRoutes::continueScroll),
                route("DELETE", NONE, "_search/scroll", Parameters.CLEAR_SCROLL, SearchContextRoutes::clearScrolls),
                route("DELETE", NONE, "_search/scroll/*", Parameters.CLEAR_SCROLL, SearchContextRoutes::clearScrolls),
                route("POST", REQUIRED, "_search/point_in_time", Parameters.CREATE_PIT, SearchContextRoutes::createPointInTime),
                route("POST", REQUIRED, "_pit", Parameters.OPEN_PIT, SearchContextRoutes::openPointInTime),
                route("DELETE", NONE, "_search/point_in_time", Parameters.NONE, SearchContextRoutes::deletePointsInTime),
                route("DELETE", NONE, "_pit", Parameters.NONE, SearchContextRoutes::closePointInTime),
                route("GET", NONE, "_async_search/*", Parameters.ASYNC_SEARCH_GET, SearchContextRoutes::asyncSearch),
                route("DELETE", NONE, "_async_search/*", Parameters.NONE, SearchContextRoutes::asyncSearch),
                route("GET", NONE, "_async_search/status/*", Parameters.ASYNC_SEARCH_STATUS, SearchContextRoutes::asyncSearch));
    }

    /**
     * {@code _search} to these narrowed indices. A scroll gets its id sealed in the answer; a body searching a point
     * in time has its id opened, and goes to the index-less path when the request had one (the point in time fixes
     * the indices, and Elasticsearch refuses both).
     */
    static Decision search(SearchApiRequest request, IndexScoping scoping, List<String> narrowed) {
        Map<List<String>, Kind> sealed = new LinkedHashMap<>();
        if (request.query().has("scroll")) {
            sealed.put(SCROLL_ID, Kind.SCROLL);
        }
        String narrowedPath = request.pathAndQuery(narrowed);
        String pointInTimePath = request.index().isPresent() ? narrowedPath : request.pathAndQuery();
        return searchWithBody(scoping, narrowedPath, pointInTimePath, sealed, PIT_ID);
    }

    /** {@code POST [/{index}]/_async_search}: a search whose answer carries an async search id (and maybe a point in time). */
    static Decision submitAsyncSearch(SearchApiRequest request, IndexScoping scoping) {
        String narrowedPath = request.pathAndQuery(ReadRoutes.narrowedIndices(request, scoping));
        String pointInTimePath = request.index().isPresent() ? narrowedPath : request.pathAndQuery();
        Map<List<String>, Kind> sealed = new LinkedHashMap<>();
        sealed.put(ID, Kind.ASYNC_SEARCH);
        return searchWithBody(scoping, narrowedPath, pointInTimePath, sealed, ASYNC_PIT_ID);
    }

    private static Decision searchWithBody(IndexScoping scoping, String path, String pointInTimePath,
                                           Map<List<String>, Kind> sealed, List<String> pitPath) {
        SearchBodyCheck check = new SearchBodyCheck(scoping);
        return new Decision.ForwardCheckedBody(path, body -> JsonBodies.verdict(body, bytes -> {
            Optional<ObjectNode> search = JsonBodies.optionalObject(bytes);
            search.ifPresent(check::check);
            if (search.isEmpty() || !SearchBodyCheck.searchesPointInTime(search.get())) {
                return new BodyVerdict.Accept(bytes, null, respond(scoping, sealed), false);
            }
            if (!openPointInTime(search.get(), scoping)) {
                return new BodyVerdict.Answer(404, SearchContexts.MISSING);
            }
            Map<List<String>, Kind> withPit = new LinkedHashMap<>(sealed);
            withPit.put(pitPath, Kind.POINT_IN_TIME);
            return new BodyVerdict.Accept(JsonBodies.bytes(search.get()), pointInTimePath, respond(scoping, withPit), true);
        }));
    }

    /** Replaces a search body's {@code pit.id} by the upstream id; false when it does not open. */
    static boolean openPointInTime(ObjectNode search, IndexScoping scoping) {
        JsonNode pit = search.get("pit");
        if (!(pit instanceof ObjectNode object) || !object.path("id").isTextual()) {
            throw ScopeRefusal.malformed("[pit] needs an [id] string");
        }
        Optional<String> opened = scoping.contexts().open(Kind.POINT_IN_TIME, scoping.service(), object.get("id").asText());
        opened.ifPresent(id -> object.put("id", id));
        return opened.isPresent();
    }

    private static ResponseRule respond(IndexScoping scoping, Map<List<String>, Kind> sealed) {
        return sealed.isEmpty() ? ResponseRule.RELAY : scoping.contexts().sealing(scoping.service(), sealed);
    }

    static ResponseRule sealingPointsInTimeOfMultiSearch(IndexScoping scoping) {
        return scoping.contexts().sealing(scoping.service(), Map.of(MULTI_PIT_ID, Kind.POINT_IN_TIME));
    }

    /** {@code GET|POST /_search/scroll[/{id}]}: one scroll id, from the path, the query or the body. */
    private static Decision continueScroll(SearchApiRequest request, IndexScoping scoping) {
        List<String> fromPathAndQuery = idsOutsideBody(request, "scroll_id");
        Optional<String> keepAlive = request.query().value("scroll");
        String path = request.withQuery(request.query().without("scroll_id").without("scroll")).pathAndQueryUpTo(2);
        return new Decision.ForwardCheckedBody(path, body -> JsonBodies.verdict(body, bytes -> {
            Optional<ObjectNode> given = JsonBodies.optionalObject(bytes);
            List<String> ids = new ArrayList<>(fromPathAndQuery);
            given.ifPresent(object -> ids.addAll(strings(object.get("scroll_id"), "scroll_id")));
            if (ids.size() != 1) {
                throw ScopeRefusal.malformed("a scroll continues with exactly one [scroll_id]");
            }
            Optional<String> opened = scoping.contexts().open(Kind.SCROLL, scoping.service(), ids.get(0));
            if (opened.isEmpty()) {
                return new BodyVerdict.Answer(404, SearchContexts.MISSING);
            }
            ObjectNode forwarded = JsonNodeFactory.instance.objectNode().put("scroll_id", opened.get());
            Optional<String> scroll = given.map(object -> object.path("scroll")).filter(JsonNode::isTextual).map(JsonNode::asText)
                    .or(() -> keepAlive);
            scroll.ifPresent(value -> forwarded.put("scroll", value));
            return new BodyVerdict.Accept(JsonBodies.bytes(forwarded), null,
                    respond(scoping, Map.of(SCROLL_ID, Kind.SCROLL)), true);
        }));
    }

    /** {@code DELETE /_search/scroll[/{ids}]}: the ids that open are closed; none opening is answered as none held. */
    private static Decision clearScrolls(SearchApiRequest request, IndexScoping scoping) {
        List<String> fromPathAndQuery = idsOutsideBody(request, "scroll_id");
        String path = request.withQuery(request.query().without("scroll_id")).pathAndQueryUpTo(2);
        return new Decision.ForwardCheckedBody(path, body -> JsonBodies.verdict(body, bytes -> {
            List<String> ids = new ArrayList<>(fromPathAndQuery);
            JsonBodies.optionalObject(bytes).ifPresent(object -> ids.addAll(strings(object.get("scroll_id"), "scroll_id")));
            List<String> opened = openAll(ids, Kind.SCROLL, scoping).values().stream().toList();
            if (opened.isEmpty()) {
                return new BodyVerdict.Answer(404, SearchContexts.NONE_FREED);
            }
            ObjectNode forwarded = JsonNodeFactory.instance.objectNode();
            opened.forEach(forwarded.putArray("scroll_id")::add);
            return new BodyVerdict.Accept(JsonBodies.bytes(forwarded), null, ResponseRule.RELAY, true);
        }));
    }

    /** OpenSearch's {@code POST /{index}/_search/point_in_time}: narrowed, and its {@code pit_id} sealed. */
    private static Decision createPointInTime(SearchApiRequest request, IndexScoping scoping) {
        return new Decision.Forward(request.pathAndQuery(ReadRoutes.narrowedIndices(request, scoping)),
                respond(scoping, Map.of(PIT_ID, Kind.POINT_IN_TIME)));
    }

    /** Elasticsearch's {@code POST /{index}/_pit}: narrowed, its {@code index_filter} checked, its {@code id} sealed. */
    private static Decision openPointInTime(SearchApiRequest request, IndexScoping scoping) {
        SearchBodyCheck check = new SearchBodyCheck(scoping);
        ResponseRule sealing = respond(scoping, Map.of(ID, Kind.POINT_IN_TIME));
        return new Decision.ForwardCheckedBody(request.pathAndQuery(ReadRoutes.narrowedIndices(request, scoping)),
                body -> JsonBodies.verdict(body, bytes -> {
                    JsonBodies.optionalObject(bytes).ifPresent(check::check);
                    return new BodyVerdict.Accept(bytes, null, sealing, false);
                }));
    }

    /**
     * OpenSearch's {@code DELETE /_search/point_in_time} with {@code {"pit_id": [...]}}: the ids that open are
     * deleted, and the answer names each as the client sent it; none opening is answered as OpenSearch answers ids
     * it no longer holds.
     */
    private static Decision deletePointsInTime(SearchApiRequest request, IndexScoping scoping) {
        return new Decision.ForwardCheckedBody(request.pathAndQuery(), body -> JsonBodies.verdict(body, bytes -> {
            ObjectNode given = JsonBodies.optionalObject(bytes).orElseThrow(() -> ScopeRefusal.malformed("[pit_id] is required"));
            requireOnly(given, "pit_id");
            List<String> sent = strings(given.get("pit_id"), "pit_id");
            Map<String, String> opened = openAll(sent, Kind.POINT_IN_TIME, scoping);
            if (opened.isEmpty()) {
                ObjectNode answer = JsonNodeFactory.instance.objectNode();
                ArrayNode pits = answer.putArray("pits");
                sent.forEach(id -> pits.addObject().put("successful", true).put("pit_id", id));
                return new BodyVerdict.Answer(200, JsonBodies.write(answer));
            }
            ObjectNode forwarded = JsonNodeFactory.instance.objectNode();
            opened.values().forEach(forwarded.putArray("pit_id")::add);
            Map<String, String> sentFor = new LinkedHashMap<>();
            opened.forEach((client, upstream) -> sentFor.put(upstream, client));
            return new BodyVerdict.Accept(JsonBodies.bytes(forwarded), null, scoping.contexts().echoing(scoping.service(),
                    Map.of(CLOSED_PIT_ID, Kind.POINT_IN_TIME), sentFor), true);
        }));
    }

    /** Elasticsearch's {@code DELETE /_pit} with {@code {"id": "..."}}. */
    private static Decision closePointInTime(SearchApiRequest request, IndexScoping scoping) {
        return new Decision.ForwardCheckedBody(request.pathAndQuery(), body -> JsonBodies.verdict(body, bytes -> {
            ObjectNode given = JsonBodies.optionalObject(bytes).orElseThrow(() -> ScopeRefusal.malformed("[id] is required"));
            requireOnly(given, "id");
            List<String> sent = strings(given.get("id"), "id");
            if (sent.size() != 1) {
                throw ScopeRefusal.malformed("[id] must be one point in time id");
            }
            Optional<String> opened = scoping.contexts().open(Kind.POINT_IN_TIME, scoping.service(), sent.get(0));
            if (opened.isEmpty()) {
                return new BodyVerdict.Answer(404, SearchContexts.NONE_FREED);
            }
            byte[] forwarded = JsonBodies.bytes(JsonNodeFactory.instance.objectNode().put("id", opened.get()));
            return new BodyVerdict.Accept(forwarded, null, ResponseRule.RELAY, true);
        }));
    }

    /** {@code GET|DELETE /_async_search/{id}}, {@code GET /_async_search/status/{id}}. */
    private static Decision asyncSearch(SearchApiRequest request, IndexScoping scoping) {
        int last = request.endpoint().size() - 1;
        scoping.notReusable();
        Optional<String> opened = scoping.contexts().open(Kind.ASYNC_SEARCH, scoping.service(), request.segment(last));
        if (opened.isEmpty()) {
            return new Decision.Answer(404, SearchContexts.NO_ASYNC_SEARCH);
        }
        List<String> endpoint = new ArrayList<>(request.endpoint().subList(0, last));
        endpoint.add(opened.get());
        SearchApiRequest forwarded = new SearchApiRequest(request.method(), request.rawPath(), Optional.empty(),
                endpoint, endpoint, request.query());
        Map<List<String>, Kind> sealed = new LinkedHashMap<>();
        sealed.put(ID, Kind.ASYNC_SEARCH);
        sealed.put(ASYNC_PIT_ID, Kind.POINT_IN_TIME);
        return new Decision.Forward(forwarded.pathAndQuery(), request.method().equals("DELETE")
                ? ResponseRule.RELAY : respond(scoping, sealed));
    }

    /** Ids given in the path (a comma list after the endpoint) or the query string; {@code _all} refused. */
    private static List<String> idsOutsideBody(SearchApiRequest request, String parameter) {
        List<String> ids = new ArrayList<>();
        if (request.endpoint().size() == 3) {
            ids.addAll(List.of(request.segment(2).split(",", -1)));
        }
        request.query().value(parameter).ifPresent(value -> ids.addAll(List.of(value.split(",", -1))));
        ids.forEach(SearchContextRoutes::refuseAll);
        return ids;
    }

    /** What a client sent, in order, to what opened: ids that do not open are left out. */
    private static Map<String, String> openAll(List<String> sent, Kind kind, IndexScoping scoping) {
        Map<String, String> opened = new LinkedHashMap<>();
        for (String id : sent) {
            scoping.contexts().open(kind, scoping.service(), id).ifPresent(upstream -> opened.put(id, upstream));
        }
        return opened;
    }

    /** A field given as a string or an array of strings, none of them {@code _all}. */
    private static List<String> strings(JsonNode value, String field) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        if (value.isTextual()) {
            out.add(value.asText());
        } else if (value.isArray()) {
            for (JsonNode element : value) {
                if (!element.isTextual()) {
                    throw ScopeRefusal.malformed("[" + field + "] must hold strings");
                }
                out.add(element.asText());
            }
        } else {
            throw ScopeRefusal.malformed("[" + field + "] must be a string or an array of strings");
        }
        out.forEach(SearchContextRoutes::refuseAll);
        return out;
    }

    private static void refuseAll(String id) {
        if (id.strip().equals("_all")) {
            throw new ScopeRefusal("closing [_all] search contexts is not allowed through the gateway");
        }
    }

    private static void requireOnly(ObjectNode body, String field) {
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals(field)) {
                throw ScopeRefusal.malformed("unknown field [" + name + "]");
            }
        });
    }
}
