package io.logstokengateway.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** What a client presents in {@code Authorization}: an API token, or the service's account credentials. */
public sealed interface Credentials {

    /** Longest token or password considered; anything longer is refused without a lookup. */
    int MAX_SECRET_LENGTH = 512;

    record Token(String value) implements Credentials {
        @Override
        public String toString() {
            return "Token[redacted]";
        }
    }

    record Account(String username, String password) implements Credentials {
        @Override
        public String toString() {
            return "Account[" + username + "]";
        }
    }

    /**
     * Parses {@code Basic base64(user:password)} (a token as {@code <value>:token} or {@code token:<value>}, any case
     * of {@code token}, or account credentials) and {@code Bearer <value>}. Empty when the header is malformed.
     */
    static Optional<Credentials> parse(String authorization) {
        if (authorization == null) {
            return Optional.empty();
        }
        if (hasScheme(authorization, "Basic")) {
            return basic(authorization.substring(6).trim());
        }
        if (hasScheme(authorization, "Bearer")) {
            return token(authorization.substring(7).trim());
        }
        return Optional.empty();
    }

    private static boolean hasScheme(String header, String scheme) {
        return header.length() > scheme.length() + 1
                && header.regionMatches(true, 0, scheme, 0, scheme.length())
                && header.charAt(scheme.length()) == ' ';
    }

    private static Optional<Credentials> basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        if (password.equalsIgnoreCase("token")) {
            return token(user);
        }
        if (user.equalsIgnoreCase("token")) {
            return token(password);
        }
        if (user.isEmpty() || password.isEmpty() || password.length() > MAX_SECRET_LENGTH || user.length() > MAX_SECRET_LENGTH) {
            return Optional.empty();
        }
        return Optional.of(new Account(user, password));
    }

    private static Optional<Credentials> token(String value) {
        if (value.isEmpty() || value.length() > MAX_SECRET_LENGTH || value.indexOf(':') >= 0) {
            return Optional.empty();
        }
        return Optional.of(new Token(value));
    }
}
