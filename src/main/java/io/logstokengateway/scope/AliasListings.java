package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Answers that list the aliases of indices: even when a request names only the service's own indices, an index
 * shared with another service carries that service's aliases too, and their names are not the service's to see.
 * These answers are read whole (they are listings, bounded by the indices requested) and every alias name outside
 * the read patterns is removed, as is any index or alias that leads outside them.
 */
final class AliasListings {

    /** Longest listing read whole; a larger one fails rather than being held. */
    static final int MAX_LISTING_BYTES = 16 * 1024 * 1024;

    private AliasListings() {
    }

    /**
     * {@code GET /{index}/_alias}, {@code GET /{index}}: {@code {"<index>": {"aliases": {"<alias>": {...}}, ...}}}, also
     * in a 404 that lists what it found next to its {@code error} and {@code status}.
     */
    static ResponseRule byIndex(IndexScoping scoping) {
        return filtering(scoping, AliasListings::filterByIndex);
    }

    /** {@code GET /_resolve/index/{names}}: {@code {"indices": [...], "aliases": [...], "data_streams": [...]}}. */
    static ResponseRule resolved(IndexScoping scoping) {
        return filtering(scoping, AliasListings::filterResolved);
    }

    private interface Filter {
        void apply(ObjectNode answer, IndexScoping scoping);
    }

    private static ResponseRule filtering(IndexScoping scoping, Filter filter) {
        return status -> (status >= 200 && status < 300) || status == 404 ? new Filtered(scoping, filter) : null;
    }

    private static void filterByIndex(ObjectNode answer, IndexScoping scoping) {
        Iterator<Map.Entry<String, JsonNode>> indices = answer.fields();
        while (indices.hasNext()) {
            Map.Entry<String, JsonNode> index = indices.next();
            if (!index.getValue().isObject()) {
                continue; // a 404's "error" and "status"
            }
            if (!scoping.mayRead(index.getKey())) {
                indices.remove();
            } else if (index.getValue().path("aliases") instanceof ObjectNode aliases) {
                Iterator<String> names = aliases.fieldNames();
                while (names.hasNext()) {
                    if (!scoping.mayListAlias(names.next())) {
                        names.remove();
                    }
                }
            }
        }
    }

    private static void filterResolved(ObjectNode answer, IndexScoping scoping) {
        if (answer.path("indices") instanceof ArrayNode indices) {
            Iterator<JsonNode> each = indices.elements();
            while (each.hasNext()) {
                JsonNode index = each.next();
                if (!scoping.mayRead(index.path("name").asText())) {
                    each.remove();
                } else if (index.path("aliases") instanceof ArrayNode aliases) {
                    removeIf(aliases, alias -> !scoping.mayListAlias(alias.asText()));
                }
            }
        }
        if (answer.path("aliases") instanceof ArrayNode aliases) {
            removeIf(aliases, alias -> !scoping.mayListAlias(alias.path("name").asText())
                    || !allReadable(alias.path("indices"), scoping));
        }
        if (answer.path("data_streams") instanceof ArrayNode streams) {
            removeIf(streams, stream -> !scoping.mayRead(stream.path("name").asText())
                    || !allReadable(stream.path("backing_indices"), scoping));
        }
    }

    private static boolean allReadable(JsonNode names, IndexScoping scoping) {
        for (JsonNode name : names) {
            if (!scoping.mayRead(name.asText())) {
                return false;
            }
        }
        return true;
    }

    private static void removeIf(ArrayNode array, Predicate<JsonNode> drop) {
        Iterator<JsonNode> each = array.elements();
        while (each.hasNext()) {
            if (drop.test(each.next())) {
                each.remove();
            }
        }
    }

    /** Collects the answer (bounded), then filters it. */
    private static final class Filtered implements ResponseRule.Transform {
        private final IndexScoping scoping;
        private final Filter filter;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        Filtered(IndexScoping scoping, Filter filter) {
            this.scoping = scoping;
            this.filter = filter;
        }

        @Override
        public byte[] chunk(byte[] in) {
            if (body.size() + in.length > MAX_LISTING_BYTES) {
                throw new IllegalStateException("a listing exceeds " + MAX_LISTING_BYTES + " bytes");
            }
            body.write(in, 0, in.length);
            return new byte[0];
        }

        @Override
        public byte[] end() {
            ObjectNode answer = JsonBodies.object(body.toString(StandardCharsets.UTF_8));
            filter.apply(answer, scoping);
            return JsonBodies.write(answer).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public boolean buffered() {
            return true;
        }
    }
}
