package io.logstokengateway.scope;

import static io.logstokengateway.scope.ScopeFixtures.sealed;
import static io.logstokengateway.scope.ScopeRulesTest.A;
import static io.logstokengateway.scope.ScopeRulesTest.READ_A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.logstokengateway.crypto.SearchContextSeal.Kind;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Scroll, point-in-time and async-search ids: what a client holds is sealed for its service; what comes back is opened
 * before it is forwarded, wherever it is; what does not open is answered as the upstream answers an id it no longer
 * holds.
 */
class ScopeSearchContextsTest {

    private static final String SCROLL = "DXF1ZXJ5QW5kRmV0Y2gBAAAAAAAAAAEWNjBhdUgwaFlRaXVCdm1BYXVuS0ZUZw==";
    private static final String PIT = "o463QQEPbG9ncy1hYS0wMDAwMS1pLWFwcBZQR0R1dkIx/QlFXNnRPVXVQRHgtWHRRABY2MGF1SDBoWVFpdUJ2bUFh";

    private static BodyVerdict check(String method, String target, String body) {
        return WholeBody.check(ScopeFixtures.decide(method, target, A), body);
    }

    private static JsonNode forwardedBody(BodyVerdict verdict) {
        BodyVerdict.Accept accept = assertInstanceOf(BodyVerdict.Accept.class, verdict, verdict::toString);
        assertTrue(accept.json(), "the gateway wrote this body");
        return JsonBodies.object(new String(accept.body(), StandardCharsets.UTF_8));
    }

    private static void assertAnsweredAsGone(BodyVerdict verdict, String body) {
        BodyVerdict.Answer answer = assertInstanceOf(BodyVerdict.Answer.class, verdict, verdict::toString);
        assertEquals(404, answer.status());
        assertEquals(body, answer.body());
    }

    /** The forms a client may send a scroll continuation in: all forwarded as one canonical body. */
    @Test
    void aScrollContinuesWithTheUpstreamIdInTheBodyWhereverTheClientPutIt() {
        String id = sealed(Kind.SCROLL, SCROLL);
        List<BodyVerdict> verdicts = List.of(
                check("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + id + "\"}"),
                check("GET", "/_search/scroll?scroll=1m&scroll_id=" + id, ""),
                check("GET", "/_search/scroll/" + id + "?scroll=1m", ""),
                check("POST", "/_search/scroll?scroll=1m", "{\"scroll_id\":\"" + id + "\"}"));
        for (BodyVerdict verdict : verdicts) {
            JsonNode body = forwardedBody(verdict);
            assertEquals(SCROLL, body.get("scroll_id").asText());
            assertEquals("1m", body.get("scroll").asText());
        }
        assertEquals("/_search/scroll", ScopeFixtures.decide("GET", "/_search/scroll/" + id + "?scroll=1m&rest_total_hits_as_int=true", A)
                instanceof Decision.ForwardCheckedBody checked ? checked.pathAndQuery().split("\\?")[0] : null);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"forged", "another service's", "a point in time's", "expired", "altered", "the upstream's own"})
    void aScrollIdThatDoesNotOpenIsAnsweredAsAGoneContext(String which) {
        String id = switch (which) {
            case "forged" -> "FGluY2x1ZGVfY29udGV4dF91dWlk" + "A".repeat(40);
            case "another service's" -> ScopeFixtures.SEAL.seal(Kind.SCROLL, "ldp-bb-00002", SCROLL, ScopeFixtures.NOW.plusSeconds(60));
            case "a point in time's" -> sealed(Kind.POINT_IN_TIME, SCROLL);
            case "expired" -> ScopeFixtures.SEAL.seal(Kind.SCROLL, ScopeFixtures.SERVICE, SCROLL, ScopeFixtures.NOW);
            case "altered" -> {
                String good = sealed(Kind.SCROLL, SCROLL);
                yield good.substring(0, 20) + (good.charAt(20) == 'A' ? 'B' : 'A') + good.substring(21);
            }
            default -> SCROLL;
        };
        assertAnsweredAsGone(check("POST", "/_search/scroll", "{\"scroll\":\"1m\",\"scroll_id\":\"" + id + "\"}"), SearchContexts.MISSING);
        assertAnsweredAsGone(check("GET", "/_search/scroll/" + id, ""), SearchContexts.MISSING);
    }

    @Test
    void clearingScrollsClosesTheOnesThatOpenAndIgnoresTheRest() {
        String mine = sealed(Kind.SCROLL, SCROLL);
        JsonNode body = forwardedBody(check("DELETE", "/_search/scroll", "{\"scroll_id\":[\"" + mine + "\",\"forged\"]}"));
        assertEquals("[\"" + SCROLL + "\"]", body.get("scroll_id").toString());
        JsonNode fromPath = forwardedBody(check("DELETE", "/_search/scroll/forged," + mine, ""));
        assertEquals("[\"" + SCROLL + "\"]", fromPath.get("scroll_id").toString());
        assertAnsweredAsGone(check("DELETE", "/_search/scroll", "{\"scroll_id\":\"forged\"}"), SearchContexts.NONE_FREED);
    }

    @Test
    void clearingAllScrollsIsRefusedWhereverItIsAsked() {
        assertInstanceOf(Decision.Deny.class, ScopeFixtures.decide("DELETE", "/_search/scroll/_all", A));
        assertInstanceOf(Decision.Deny.class, ScopeFixtures.decide("DELETE", "/_search/scroll?scroll_id=_all", A));
        assertInstanceOf(BodyVerdict.Deny.class, check("DELETE", "/_search/scroll", "{\"scroll_id\":[\"_all\"]}"));
        assertInstanceOf(Decision.Deny.class, ScopeFixtures.decide("DELETE", "/_search/point_in_time/_all", A));
        assertInstanceOf(BodyVerdict.Deny.class, check("DELETE", "/_search/point_in_time", "{\"pit_id\":\"_all\"}"));
    }

    @Test
    void aSearchOnAPointInTimeCarriesTheUpstreamIdAndGoesWithoutIndices() {
        BodyVerdict verdict = check("POST", "/_search?size=10", "{\"pit\":{\"id\":\"" + sealed(Kind.POINT_IN_TIME, PIT)
                + "\",\"keep_alive\":\"1m\"},\"sort\":[{\"_shard_doc\":\"asc\"}]}");
        BodyVerdict.Accept accept = assertInstanceOf(BodyVerdict.Accept.class, verdict);
        assertEquals("/_search?size=10", accept.pathAndQuery());
        assertEquals(PIT, forwardedBody(verdict).at("/pit/id").asText());
        assertAnsweredAsGone(check("POST", "/_search", "{\"pit\":{\"id\":\"" + PIT + "\"}}"), SearchContexts.MISSING);
        assertAnsweredAsGone(check("POST", "/_msearch", "{}\n{\"pit\":{\"id\":\"" + PIT + "\"}}\n"), SearchContexts.MISSING);
    }

    @Test
    void deletingPointsInTimeAnswersWithTheIdsAsTheClientSentThem() {
        String mine = sealed(Kind.POINT_IN_TIME, PIT);
        BodyVerdict verdict = check("DELETE", "/_search/point_in_time", "{\"pit_id\":[\"" + mine + "\",\"forged\"]}");
        assertEquals("[\"" + PIT + "\"]", forwardedBody(verdict).get("pit_id").toString());
        ResponseRule response = ((BodyVerdict.Accept) verdict).response();
        String answer = "{\"pits\":[{\"successful\":true,\"pit_id\":\"" + PIT + "\"}]}";
        assertEquals("{\"pits\":[{\"successful\":true,\"pit_id\":\"" + mine + "\"}]}", transform(response, 200, answer));

        BodyVerdict.Answer none = assertInstanceOf(BodyVerdict.Answer.class,
                check("DELETE", "/_search/point_in_time", "{\"pit_id\":[\"forged\"]}"));
        assertEquals(200, none.status());
        assertEquals("{\"pits\":[{\"successful\":true,\"pit_id\":\"forged\"}]}", none.body());
        assertAnsweredAsGone(check("DELETE", "/_pit", "{\"id\":\"forged\"}"), SearchContexts.NONE_FREED);
        assertEquals(PIT, forwardedBody(check("DELETE", "/_pit", "{\"id\":\"" + mine + "\"}")).get("id").asText());
    }

    @Test
    void idsInAnswersAreSealedForTheServiceAndGoneContextsNameNoInternalId() {
        Decision open = ScopeFixtures.decide("POST", "/logs-aa-00001-i-*/_search/point_in_time?keep_alive=1m", A);
        ResponseRule response = assertInstanceOf(Decision.Forward.class, open).response();
        String answer = transform(response, 200, "{\"pit_id\":\"" + PIT + "\",\"_shards\":{\"total\":1},\"creation_time\":1}");
        String handedOut = JsonBodies.object(answer).get("pit_id").asText();
        assertNotEquals(PIT, handedOut);
        assertEquals(Optional.of(PIT), ScopeFixtures.CONTEXTS.open(Kind.POINT_IN_TIME, ScopeFixtures.SERVICE, handedOut));

        String gone = "{\"error\":{\"root_cause\":[{\"type\":\"search_context_missing_exception\",\"reason\":"
                + "\"No search context found for id [5]\"}],\"type\":\"search_phase_execution_exception\"},\"status\":404}";
        assertEquals(SearchContexts.MISSING, transform(response, 404, gone));
        String otherError = "{\"error\":{\"type\":\"index_not_found_exception\"},\"status\":404}";
        assertEquals(otherError, transform(response, 404, otherError));
        assertNull(response.forAnswer(500));
    }

    @Test
    void aScrollSearchHasItsScrollIdSealedAndAPlainSearchIsRelayed() {
        Decision scroll = ScopeFixtures.decide("POST", "/_search?scroll=1m", A);
        BodyVerdict verdict = assertInstanceOf(Decision.ForwardCheckedBody.class, scroll).rule().check(new byte[0]);
        ResponseRule response = assertInstanceOf(BodyVerdict.Accept.class, verdict).response();
        String answer = transform(response, 200, "{\"_scroll_id\":\"" + SCROLL + "\",\"hits\":{\"hits\":[]}}");
        String handedOut = JsonBodies.object(answer).get("_scroll_id").asText();
        assertEquals(Optional.of(SCROLL), ScopeFixtures.CONTEXTS.open(Kind.SCROLL, ScopeFixtures.SERVICE, handedOut));

        Decision plain = ScopeFixtures.decide("POST", "/_search", A);
        BodyVerdict plainVerdict = assertInstanceOf(Decision.ForwardCheckedBody.class, plain).rule().check(new byte[0]);
        assertEquals(ResponseRule.RELAY, assertInstanceOf(BodyVerdict.Accept.class, plainVerdict).response());
        assertEquals("/" + READ_A + "/_search", ((Decision.ForwardCheckedBody) plain).pathAndQuery());
    }

    @Test
    void anAsyncSearchIdOpensOnlyForItsService() {
        String mine = sealed(Kind.ASYNC_SEARCH, "FmRldE8zREVEUzA2");
        Decision get = ScopeFixtures.decide("GET", "/_async_search/" + mine, A);
        assertEquals("/_async_search/FmRldE8zREVEUzA2", assertInstanceOf(Decision.Forward.class, get).pathAndQuery());
        Decision forged = ScopeFixtures.decide("GET", "/_async_search/FmRldE8zREVEUzA2", A);
        assertEquals(404, assertInstanceOf(Decision.Answer.class, forged).status());
        assertEquals(SearchContexts.NO_ASYNC_SEARCH, ((Decision.Answer) forged).body());
    }

    @Test
    void decisionsThatOpenedAnIdAreNotRemembered() {
        String mine = sealed(Kind.ASYNC_SEARCH, "FmRldE8zREVEUzA2");
        assertEquals(false, ScopeRules.decide("GET", "/_async_search/" + mine, null, ScopeFixtures.context(A)).reusable());
        assertEquals(true, ScopeRules.decide("GET", "/_search", null, ScopeFixtures.context(A)).reusable());
    }

    @Test
    void anIdHandedOutExpiresAfterItsLifetime() {
        SearchContexts later = new SearchContexts(ScopeFixtures.SEAL, Duration.ofHours(1),
                Clock.fixed(ScopeFixtures.NOW.plus(Duration.ofHours(2)), ZoneOffset.UTC));
        String handedOut = ScopeFixtures.CONTEXTS.seal(Kind.SCROLL, ScopeFixtures.SERVICE, SCROLL);
        assertEquals(Optional.empty(), later.open(Kind.SCROLL, ScopeFixtures.SERVICE, handedOut));
    }

    private static String transform(ResponseRule response, int status, String answer) {
        ResponseRule.Transform transform = response.forAnswer(status);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += 7) {
            out.writeBytes(transform.chunk(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 7))));
        }
        out.writeBytes(transform.end());
        return out.toString(StandardCharsets.UTF_8);
    }
}
