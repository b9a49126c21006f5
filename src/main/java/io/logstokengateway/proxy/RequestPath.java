package io.logstokengateway.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * A request path as the upstream will understand it: percent-decoded, with empty and dot segments resolved.
 * Decisions about a path are taken on this form, so that {@code /api/../}, {@code //api} or {@code /%61pi}
 * cannot mean one thing to the gateway and another to the upstream, and what is forwarded is this form re-encoded,
 * never the raw path.
 */
record RequestPath(String raw, String normalized) {

    /** Empty when the raw path cannot be decoded (bad percent-encoding, invalid UTF-8). */
    static Optional<RequestPath> of(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return Optional.empty();
        }
        return decode(rawPath).map(decoded -> new RequestPath(rawPath, removeDotAndEmptySegments(decoded)));
    }

    /**
     * Whether a segment carries JAX-RS matrix parameters ({@code ;name=value}, raw or percent-encoded): Graylog's
     * server strips them before it dispatches, so {@code /api/system/sessions;x} reaches the sessions resource.
     */
    boolean hasMatrixParameters() {
        return normalized.indexOf(';') >= 0;
    }

    /** {@code true} when the path is {@code prefix} itself or below it (segment-wise, case-sensitive). */
    boolean isUnder(String prefix) {
        return normalized.equals(prefix) || normalized.startsWith(prefix + "/");
    }

    /** What to send upstream: exactly the form the decision was taken on, re-encoded. */
    String forwardable() {
        return encode(normalized);
    }

    private static Optional<String> decode(String path) {
        if (path.indexOf('%') < 0) {
            return Optional.of(path);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%') {
                if (i + 2 >= path.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(path.charAt(i + 1), 16);
                int lo = Character.digit(path.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        byte[] decoded = bytes.toByteArray();
        String text = new String(decoded, StandardCharsets.UTF_8);
        if (!java.util.Arrays.equals(text.getBytes(StandardCharsets.UTF_8), decoded)) {
            return Optional.empty(); // not UTF-8
        }
        return Optional.of(text);
    }

    private static String removeDotAndEmptySegments(String path) {
        Deque<String> segments = new ArrayDeque<>();
        for (String segment : path.replace('\\', '/').split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                segments.pollLast();
            } else {
                segments.addLast(segment);
            }
        }
        String joined = "/" + String.join("/", segments);
        return path.endsWith("/") && !joined.equals("/") ? joined + "/" : joined;
    }

    private static String encode(String path) {
        if (isEncodedAlready(path)) {
            return path; // the common case: nothing to escape
        }
        StringBuilder out = new StringBuilder(path.length());
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (keptAsIs(c)) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static boolean isEncodedAlready(String path) {
        for (int i = 0; i < path.length(); i++) {
            if (!keptAsIs(path.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986 {@code pchar} and {@code /}, minus {@code ;} (refused anyway) and {@code %} (always escaped). */
    private static boolean keptAsIs(char c) {
        return c < 0x80 && (Character.isLetterOrDigit(c) || "/-._~!$&'()*+,=:@".indexOf(c) >= 0);
    }
}
