package io.logstokengateway.proxy;

/** How a proxied request ended, as the access log and the metrics name it. */
enum Outcome {
    FORWARDED("forwarded"), REFUSED("refused"), UNAUTHENTICATED("unauthenticated"), THROTTLED("throttled"), LIMITED("limited"),
    REGISTRY_UNAVAILABLE("registry-unavailable"), UPSTREAM_FAILED("upstream-failed"), CLIENT_ABORTED("client-aborted");

    final String label;

    Outcome(String label) {
        this.label = label;
    }
}
