package io.logstokengateway.scope;

import io.logstokengateway.crypto.SearchContextSeal;
import io.logstokengateway.crypto.SearchContextSeal.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Scroll, point-in-time and async-search ids as clients see them: sealed for the service on the way out (in the
 * answers that carry them, as they stream), opened and checked on the way in. An id that does not open is answered
 * exactly as the upstream answers an id it no longer holds, and so is an id the upstream no longer holds: in both
 * cases the answer names no internal id, so it tells nothing apart.
 */
public final class SearchContexts {

    /** The upstream's answer to a search on a scroll or point in time it no longer holds, without the context's number. */
    static final String MISSING = "{\"error\":{\"root_cause\":[{\"type\":\"search_context_missing_exception\","
            + "\"reason\":\"No search context found for this id\"}],\"type\":\"search_phase_execution_exception\","
            + "\"reason\":\"all shards failed\",\"phase\":\"query\",\"grouped\":true,\"failed_shards\":[],"
            + "\"caused_by\":{\"type\":\"search_context_missing_exception\",\"reason\":\"No search context found for this id\"}},"
            + "\"status\":404}";
    /** The upstream's answer to closing scrolls (or an Elasticsearch point in time) it no longer holds. */
    static final String NONE_FREED = "{\"succeeded\":true,\"num_freed\":0}";
    /** Elasticsearch's answer to an async search id it does not hold. */
    static final String NO_ASYNC_SEARCH = "{\"error\":{\"root_cause\":[{\"type\":\"resource_not_found_exception\","
            + "\"reason\":\"no async search with this id\"}],\"type\":\"resource_not_found_exception\","
            + "\"reason\":\"no async search with this id\"},\"status\":404}";

    private static final int MAX_UPSTREAM_ID_BYTES = 1 << 20;
    private static final int MAX_ERROR_BYTES = 1 << 20;

    private final SearchContextSeal seal;
    private final Duration lifetime;
    private final Clock clock;

    /** @param lifetime how long an id handed out stays valid (each answer that carries it hands it out anew) */
    public SearchContexts(SearchContextSeal seal, Duration lifetime, Clock clock) {
        this.seal = seal;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** The upstream id behind what the client sent, when it opens for this kind and service. */
    Optional<String> open(Kind kind, String service, String sent) {
        return seal.open(kind, service, sent, clock.instant());
    }

    String seal(Kind kind, String service, String upstreamId) {
        return seal.seal(kind, service, upstreamId, clock.instant().plus(lifetime));
    }

    /**
     * For answers carrying ids at these JSON paths: a successful answer has them sealed as it streams; a 404 saying
     * the context is gone is replaced by {@link #MISSING}, which names no internal id.
     */
    ResponseRule sealing(String service, Map<List<String>, Kind> paths) {
        return sealing(paths, value -> value, service);
    }

    /**
     * As {@link #sealing(String, Map)}, but an id the client sent comes back as the client sent it ({@code sentFor}
     * maps upstream ids to what was sent), as in the answer to closing points in time.
     */
    ResponseRule echoing(String service, Map<List<String>, Kind> paths, Map<String, String> sentFor) {
        return sealing(paths, value -> sentFor.getOrDefault(value, value), service);
    }

    private ResponseRule sealing(Map<List<String>, Kind> paths, UnaryOperator<String> echo, String service) {
        return status -> {
            if (status >= 200 && status < 300) {
                return new JsonStringRewriter(List.copyOf(paths.keySet()), (path, value) -> {
                    String sent = echo.apply(value);
                    return sent.equals(value) ? seal(paths.get(path), service, value) : sent;
                }, MAX_UPSTREAM_ID_BYTES);
            }
            return status == 404 ? new MissingContext() : null;
        };
    }

    /** Reads a 404 whole (it is small) and, when it says a search context is gone, answers {@link #MISSING} instead. */
    private static final class MissingContext implements ResponseRule.Transform {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public byte[] chunk(byte[] in) {
            if (body.size() + in.length > MAX_ERROR_BYTES) {
                throw new IllegalStateException("an error answer exceeds " + MAX_ERROR_BYTES + " bytes");
            }
            body.write(in, 0, in.length);
            return new byte[0];
        }

        @Override
        public byte[] end() {
            String text = body.toString(StandardCharsets.UTF_8);
            return text.contains("\"search_context_missing_exception\"") ? MISSING.getBytes(StandardCharsets.UTF_8)
                    : body.toByteArray();
        }

        @Override
        public boolean buffered() {
            return true;
        }
    }
}
