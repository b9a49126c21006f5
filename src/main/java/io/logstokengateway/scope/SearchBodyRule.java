package io.logstokengateway.scope;

import io.logstokengateway.scope.BodyRule.BodyVerdict;

/** The body rule of requests whose body is one search-like JSON object ({@code _count}, {@code _field_caps}, ...). */
final class SearchBodyRule {

    private SearchBodyRule() {
    }

    /** Accepts the body as it is once no index it refers to is outside what the service may read. */
    static BodyRule plain(IndexScoping scoping) {
        SearchBodyCheck check = new SearchBodyCheck(scoping);
        return body -> JsonBodies.verdict(body, bytes -> {
            JsonBodies.optionalObject(bytes).ifPresent(check::check);
            return new BodyVerdict.Accept(bytes);
        });
    }
}
