package io.logstokengateway.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A query string read the way Graylog's JAX-RS server reads it (split on {@code &} only, name and value split on the
 * first {@code =}, {@code %XX} and {@code +} decoded), then written back canonically: what reaches Graylog is this
 * parse, never the raw bytes.
 */
final class GraylogQuery {

    /** More parameters than any Graylog API call takes; a longer list is refused rather than parsed. */
    static final int MAX_PARAMETERS = 256;
    private static final String HEX = "0123456789ABCDEF";

    private GraylogQuery() {
    }

    /** The canonical form of {@code rawQuery} (empty for none), or empty when it cannot be read. */
    static Optional<String> rebuild(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return Optional.of("");
        }
        StringBuilder out = new StringBuilder(rawQuery.length());
        int parameters = 0;
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue; // Jersey skips empty pairs
            }
            if (++parameters > MAX_PARAMETERS) {
                return Optional.empty();
            }
            int equals = pair.indexOf('=');
            Optional<String> name = decode(equals < 0 ? pair : pair.substring(0, equals));
            Optional<String> value = decode(equals < 0 ? "" : pair.substring(equals + 1));
            if (name.isEmpty() || value.isEmpty() || name.get().isEmpty()) {
                return Optional.empty();
            }
            if (out.length() > 0) {
                out.append('&');
            }
            encode(name.get(), out);
            out.append('=');
            encode(value.get(), out);
        }
        return Optional.of(out.toString());
    }

    private static Optional<String> decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (high < 0 || low < 0) {
                    return Optional.empty();
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c == '+') {
                bytes.write(' ');
            } else if (c < 0x20 || c >= 0x7F) {
                return Optional.empty();
            } else {
                bytes.write(c);
            }
        }
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Unreserved characters stay; everything else, {@code +} and space included, is percent-encoded. */
    private static void encode(String text, StringBuilder out) {
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '*' || c == ':' || c == ',') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
            }
        }
    }
}
