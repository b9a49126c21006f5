package io.logstokengateway.api;

/** Who is calling the management API: the operator (every service) or one service's account (that service only). */
public record ApiCaller(boolean operator, String serviceName) {

    static final ApiCaller OPERATOR = new ApiCaller(true, null);

    static ApiCaller account(String serviceName) {
        return new ApiCaller(false, serviceName);
    }

    /** How the audit log names this caller. */
    public String describe() {
        return operator ? "operator" : "account:" + serviceName;
    }

    public boolean maySee(String service) {
        return operator || serviceName.equals(service);
    }
}
