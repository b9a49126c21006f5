package io.logstokengateway.proxy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

/**
 * A request body the gateway must check is read as Elasticsearch reads it: a {@code Content-Encoding} of
 * {@code gzip} or {@code deflate} (what the official clients send with compression on) is decoded first, within the
 * same bound as the raw body, so a small compressed body cannot expand past what the gateway agreed to hold.
 */
final class ContentDecoding {

    static final class TooLarge extends Exception {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    static final class Undecodable extends Exception {
        Undecodable(String message) {
            super(message, null, false, false);
        }
    }

    /** Small bodies compress badly: the ratio applies beyond this many decoded bytes. */
    private static final int RATIO_ALLOWANCE = 64 * 1024;

    private ContentDecoding() {
    }

    /**
     * The decoded body, at most {@code maxBytes} and at most {@code maxRatio} times the encoded size (a small body that
     * decodes to a large one costs the gateway memory and CPU out of proportion to what the client sent).
     */
    static byte[] decode(String contentEncoding, byte[] body, long maxBytes, int maxRatio) throws TooLarge, Undecodable {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(java.util.Locale.ROOT);
        long bound = Math.min(maxBytes, (long) body.length * maxRatio + RATIO_ALLOWANCE);
        try {
            return switch (encoding) {
                case "", "identity" -> body;
                case "gzip", "x-gzip" -> readBounded(new GZIPInputStream(new ByteArrayInputStream(body)), bound);
                case "deflate" -> readBounded(new InflaterInputStream(new ByteArrayInputStream(body)), bound);
                default -> throw new Undecodable("the Content-Encoding [" + contentEncoding + "] is not supported");
            };
        } catch (IOException e) {
            throw new Undecodable("the request body is not valid " + encoding + " content");
        }
    }

    private static byte[] readBounded(InputStream in, long maxBytes) throws IOException, TooLarge {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                if (out.size() + (long) read > maxBytes) {
                    throw new TooLarge();
                }
                out.write(buffer, 0, read);
            }
            return out.toByteArray();
        }
    }
}
