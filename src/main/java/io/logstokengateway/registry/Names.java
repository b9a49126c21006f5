package io.logstokengateway.registry;

import io.logstokengateway.error.GatewayError;

import java.util.regex.Pattern;

/**
 * The shapes of the names and ids the registry accepts. A name or id of any other shape (the APIs pass path segments
 * as they come) does not exist, and is never looked up: PostgreSQL refuses some characters, such as NUL, outright.
 */
public final class Names {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Names() {
    }

    /** Whether a value has the shape of a service name or a username (what the registry accepts as one). */
    public static boolean isName(String value) {
        return value != null && NAME.matcher(value).matches();
    }

    /** A name given for something new: refused unless it has the shape. */
    static void requireName(String field, String value) {
        if (!isName(value)) {
            throw GatewayError.invalid(field + " is required: 1 to 64 letters, digits, '.', '_' or '-'");
        }
    }

    /** A service name no service can have does not exist. */
    static void requireExistingName(String serviceName) {
        if (!isName(serviceName)) {
            throw GatewayError.notFound("service " + serviceName);
        }
    }

    /** Ids are UUIDs: anything else does not exist. */
    static void requireExistingId(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw GatewayError.notFound(what + " " + id);
        }
    }
}
