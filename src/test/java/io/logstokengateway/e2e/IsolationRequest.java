package io.logstokengateway.e2e;

/**
 * One request form of the tenant-isolation table and what must happen to it.
 *
 * @param expected ALLOWED (2xx as asked), NARROWED (2xx, confined to the caller's indices), DENIED (403 by the
 *                 gateway), or SAFE (whatever the status, as long as nothing of the other tenant leaks)
 */
record IsolationRequest(String method, String path, String body, String contentType, Expected expected) {

    enum Expected { ALLOWED, NARROWED, DENIED, SAFE }

    static IsolationRequest get(String path, Expected expected) {
        return new IsolationRequest("GET", path, null, null, expected);
    }

    static IsolationRequest json(String method, String path, String body, Expected expected) {
        return new IsolationRequest(method, path, body, "application/json", expected);
    }

    static IsolationRequest ndjson(String path, String body, Expected expected) {
        return new IsolationRequest("POST", path, body, "application/x-ndjson", expected);
    }

    @Override
    public String toString() {
        return method + " " + path + (body == null ? "" : " " + body.replace("\n", "\\n"));
    }
}
