package io.logstokengateway.scope;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict percent-decoding of request paths and query strings, and the encoding of index lists the gateway writes
 * into a path. Elasticsearch splits the raw path on {@code /} and then decodes each segment, so an encoded
 * {@code %2F} stays inside its segment; this class works segment by segment for the same reason.
 */
public final class PercentEncoding {

    private static final String HEX = "0123456789ABCDEF";

    private PercentEncoding() {
    }

    /**
     * Decodes one raw path segment. Refuses bad escapes, invalid UTF-8, control characters and a literal {@code +}
     * (Elasticsearch versions disagree on whether it means a space in a path, so the gateway takes neither side).
     */
    public static String decodePathSegment(String raw) {
        return decode(raw, false);
    }

    /** Decodes one query-string name or value, where {@code +} is a space (as Elasticsearch reads it). */
    public static String decodeQueryComponent(String raw) {
        return decode(raw, true);
    }

    /**
     * Encodes index items for a path segment, joined by commas: letters, digits, {@code - . _ ~ *} stay as they
     * are, everything else (date math's {@code < > { } / |}, {@code +}, non-ASCII) is percent-encoded.
     */
    public static String encodeIndexList(Iterable<String> items) {
        StringBuilder out = new StringBuilder();
        for (String item : items) {
            if (out.length() > 0) {
                out.append(',');
            }
            for (byte b : item.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xFF;
                if (isUnreserved(c) || c == '*') {
                    out.append((char) c);
                } else {
                    out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
                }
            }
        }
        return out.toString();
    }

    /**
     * Encodes one path segment: unreserved characters, {@code *}, {@code ,} and {@code :} as they are (Elasticsearch
     * splits lists on the comma after decoding, so a raw comma and {@code %2C} mean the same), everything else
     * percent-encoded.
     */
    public static String encodeSegment(String segment) {
        StringBuilder out = new StringBuilder();
        for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if (isUnreserved(c) || c == '*' || c == ',' || c == ':') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
            }
        }
        return out.toString();
    }

    private static boolean isUnreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    private static boolean isAmbiguousInPath(char c) {
        return c == '+' || c == '?' || c == '"' || c == '\\';
    }

    private static String decode(String raw, boolean plusIsSpace) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    throw ScopeRefusal.malformed("the request URI has an incomplete percent-escape");
                }
                int high = Character.digit(raw.charAt(i + 1), 16);
                int low = Character.digit(raw.charAt(i + 2), 16);
                if (high < 0 || low < 0) {
                    throw ScopeRefusal.malformed("the request URI has an invalid percent-escape");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else if (c <= 0x20 || c >= 0x7F || c == '#' || (!plusIsSpace && isAmbiguousInPath(c))) {
                throw ScopeRefusal.malformed("the request URI has a character that must be percent-encoded");
            } else {
                bytes.write(c);
            }
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw ScopeRefusal.malformed("the request URI is not valid UTF-8 once decoded");
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw ScopeRefusal.malformed("the request URI decodes to a control character");
            }
        }
        return decoded;
    }
}
