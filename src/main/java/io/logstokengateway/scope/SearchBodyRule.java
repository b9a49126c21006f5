package io.logstokengateway.scope;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.logstokengateway.scope.BodyRule.BodyVerdict;
import java.util.Optional;

/** Body rules for requests whose body is one search-like JSON object ({@code _search}, {@code _count}, ...). */
final class SearchBodyRule {

    private SearchBodyRule() {
    }

    /** Accepts the body as it is once no index it refers to is outside the read patterns. */
    static BodyRule plain(IndexScoping scoping) {
        SearchBodyCheck check = new SearchBodyCheck(scoping);
        return body -> JsonBodies.verdict(body, bytes -> {
            JsonBodies.optionalObject(bytes).ifPresent(check::check);
            return new BodyVerdict.Accept(bytes);
        });
    }

    /**
     * For an index-less search forwarded to the read patterns: a point-in-time body goes to the index-less path
     * instead, since its point in time already fixes (and limits) the indices searched.
     */
    static BodyRule pointInTimeAware(IndexScoping scoping, String indexlessPathAndQuery) {
        SearchBodyCheck check = new SearchBodyCheck(scoping);
        return body -> JsonBodies.verdict(body, bytes -> {
            Optional<ObjectNode> search = JsonBodies.optionalObject(bytes);
            search.ifPresent(check::check);
            if (search.isPresent() && SearchBodyCheck.searchesPointInTime(search.get())) {
                return new BodyVerdict.AcceptWithPath(bytes, indexlessPathAndQuery);
            }
            return new BodyVerdict.Accept(bytes);
        });
    }
}
