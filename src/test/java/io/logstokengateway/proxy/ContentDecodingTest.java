package io.logstokengateway.proxy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContentDecodingTest {

    private static final byte[] NDJSON = "{\"index\":\"logs-aa-00001-i-app\"}\n{\"query\":{\"match_all\":{}}}\n".getBytes(StandardCharsets.UTF_8);

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(plain);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflate = new DeflaterOutputStream(out)) {
            deflate.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void anUnencodedBodyIsTakenAsItIs() throws Exception {
        assertSame(NDJSON, ContentDecoding.decode(null, NDJSON, 1024, 100));
        assertSame(NDJSON, ContentDecoding.decode("identity", NDJSON, 1024, 100));
    }

    @Test
    void gzipAndDeflateBodiesAreDecodedBeforeTheyAreChecked() throws Exception {
        assertArrayEquals(NDJSON, ContentDecoding.decode("gzip", gzip(NDJSON), 1024, 100));
        assertArrayEquals(NDJSON, ContentDecoding.decode("X-GZIP", gzip(NDJSON), 1024, 100));
        assertArrayEquals(NDJSON, ContentDecoding.decode("deflate", deflate(NDJSON), 1024, 100));
    }

    @Test
    void aBodyThatExpandsMoreThanTheRatioIsTooLargeWithinTheBound() throws Exception {
        byte[] bomb = gzip(new byte[4 * 1024 * 1024]); // ~4 KiB compressed, 4 MiB decoded: 1000 times
        assertThrows(ContentDecoding.TooLarge.class, () -> ContentDecoding.decode("gzip", bomb, 16 * 1024 * 1024, 100));
        assertArrayEquals(new byte[4 * 1024 * 1024], ContentDecoding.decode("gzip", bomb, 16 * 1024 * 1024, 2000));
    }

    @Test
    void aSmallBodyThatExpandsPastTheBoundIsTooLarge() throws Exception {
        byte[] bomb = gzip(new byte[10 * 1024 * 1024]); // ~10 KiB compressed, 10 MiB decoded
        assertThrows(ContentDecoding.TooLarge.class, () -> ContentDecoding.decode("gzip", bomb, 1024 * 1024, 100));
    }

    @Test
    void aCorruptOrUnknownEncodingIsRefused() {
        assertThrows(ContentDecoding.Undecodable.class, () -> ContentDecoding.decode("gzip", NDJSON, 1024, 100));
        assertThrows(ContentDecoding.Undecodable.class, () -> ContentDecoding.decode("br", NDJSON, 1024, 100));
    }
}
