package io.logstokengateway.testsupport;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/2 client (over TLS, ALPN {@code h2}) that sends header blocks exactly as given: any names, values, order and
 * pseudo-headers, including what HTTP/2 forbids (upper case, control characters, connection headers, a pseudo-header
 * twice or after a regular one): what an attacker's hand-made frames look like. Header blocks are HPACK literals
 * without indexing or Huffman coding, so every byte given is the byte sent; the answers' header blocks are decoded
 * with Netty's HPACK decoder. One request at a time, each on a new stream.
 */
public final class RawHttp2Connection implements Closeable {

    /** One header field as sent, in its place in the block. */
    public record Field(String name, String value) {
    }

    /**
     * What became of a stream: an answer ({@code status}, its headers and body), or a reset of the stream
     * ({@code resetCode}), or the connection's end ({@code goAway}: its GOAWAY code, with its debug text as
     * {@code body}, or -2 when it just closed).
     */
    public record Outcome(int status, Map<String, List<String>> headers, String body, long resetCode, long goAway) {
        public boolean answered() {
            return status > 0;
        }

        @Override
        public String toString() {
            return answered() ? Integer.toString(status) : resetCode >= 0 ? "RST_STREAM " + resetCode : "GOAWAY " + goAway;
        }
    }

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0x0, HEADERS = 0x1, RST_STREAM = 0x3, SETTINGS = 0x4, PING = 0x6, GOAWAY = 0x7,
            WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY = 0x20, ACK = 0x1;
    /** SETTINGS_MAX_FRAME_SIZE's initial value: a larger header block goes on in CONTINUATION frames. */
    private static final int MAX_FRAME = 16_384;

    private final SSLSocket socket;
    private final DataInputStream in;
    private final OutputStream out;
    // Decodes every header block the server sends, in order: HPACK's table is the connection's.
    private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
    private int nextStream = 1;
    private boolean closed;

    public RawHttp2Connection(int port, SSLContext tls) {
        try {
            socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(30_000);
            socket.startHandshake();
            if (!"h2".equals(socket.getApplicationProtocol())) {
                throw new IllegalStateException("the server did not choose h2 but '" + socket.getApplicationProtocol() + "'");
            }
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            out.write(PREFACE);
            frame(SETTINGS, 0, 0, new byte[0]);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the server ended the connection (GOAWAY or close): a new one is needed. */
    public boolean closed() {
        return closed;
    }

    /** Sends one request: its header block as given, then its body in one DATA frame (none when {@code null}). */
    public Outcome exchange(List<Field> fields, byte[] body) {
        int stream = nextStream;
        nextStream += 2;
        try {
            byte[] block = headerBlock(fields);
            int first = Math.min(block.length, MAX_FRAME);
            int endStream = body == null ? END_STREAM : 0;
            frame(HEADERS, (first == block.length ? END_HEADERS : 0) | endStream, stream, Arrays.copyOf(block, first));
            for (int at = first; at < block.length; at += MAX_FRAME) {
                int to = Math.min(block.length, at + MAX_FRAME);
                frame(CONTINUATION, to == block.length ? END_HEADERS : 0, stream, Arrays.copyOfRange(block, at, to));
            }
            if (body != null) {
                frame(DATA, END_STREAM, stream, body);
            }
            out.flush();
            return await(stream);
        } catch (SocketTimeoutException silent) {
            throw new IllegalStateException("no answer, reset or GOAWAY on stream " + stream + " within 30 s", silent);
        } catch (IOException e) {
            closed = true;
            return new Outcome(-1, Map.of(), "", -1, -2);
        }
    }

    private Outcome await(int stream) throws IOException {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        Http2Headers headers = null;
        while (true) {
            int length;
            try {
                length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
            } catch (EOFException end) {
                closed = true;
                return new Outcome(-1, Map.of(), "", -1, -2);
            }
            int type = in.readUnsignedByte();
            int flags = in.readUnsignedByte();
            int id = in.readInt() & 0x7fffffff;
            byte[] payload = in.readNBytes(length);
            switch (type) {
                case SETTINGS -> {
                    if ((flags & ACK) == 0) {
                        frame(SETTINGS, ACK, 0, new byte[0]);
                        out.flush();
                    }
                }
                case PING -> {
                    if ((flags & ACK) == 0) {
                        frame(PING, ACK, 0, payload);
                        out.flush();
                    }
                }
                case GOAWAY -> {
                    closed = true;
                    long code = ((payload[4] & 0xffL) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8) | (payload[7] & 0xff);
                    String debug = new String(payload, 8, payload.length - 8, StandardCharsets.UTF_8);
                    return headers != null ? outcome(headers, body) : new Outcome(-1, Map.of(), debug, -1, code);
                }
                case HEADERS, CONTINUATION -> {
                    int start = type == HEADERS ? ((flags & PADDED) != 0 ? 1 : 0) + ((flags & PRIORITY) != 0 ? 5 : 0) : 0;
                    int end = payload.length - (type == HEADERS ? padding(flags, payload) : 0);
                    block.write(payload, start, end - start);
                    if ((flags & END_HEADERS) != 0) {
                        Http2Headers decoded = decode(id, block.toByteArray());
                        block.reset();
                        if (id == stream && (headers == null || headers.status() != null && headers.status().charAt(0) == '1')) {
                            headers = decoded; // a 1xx is followed by the final answer's headers
                        }
                    }
                    if (id == stream && (flags & END_STREAM) != 0) {
                        return outcome(headers, body);
                    }
                }
                case DATA -> {
                    if (length > 0) { // give the window back, so that answers never stall on flow control
                        frame(WINDOW_UPDATE, 0, 0, windowIncrement(length));
                        if ((flags & END_STREAM) == 0) {
                            frame(WINDOW_UPDATE, 0, id, windowIncrement(length));
                        }
                        out.flush();
                    }
                    if (id == stream) {
                        int start = (flags & PADDED) != 0 ? 1 : 0;
                        body.write(payload, start, payload.length - padding(flags, payload) - start);
                        if ((flags & END_STREAM) != 0) {
                            return outcome(headers, body);
                        }
                    }
                }
                case RST_STREAM -> {
                    if (id == stream) {
                        long code = ((payload[0] & 0xffL) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
                        return headers != null && code == 0 ? outcome(headers, body) : new Outcome(-1, Map.of(), "", code, -1);
                    }
                }
                default -> {
                    // WINDOW_UPDATE, PRIORITY, unknown types: nothing to do
                }
            }
        }
    }

    private Http2Headers decode(int stream, byte[] block) throws IOException {
        try {
            return decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(block));
        } catch (Http2Exception e) {
            throw new IOException("undecodable header block from the server", e);
        }
    }

    private static Outcome outcome(Http2Headers headers, ByteArrayOutputStream body) {
        if (headers == null || headers.status() == null) {
            throw new IllegalStateException("a stream ended without an answer's headers");
        }
        Map<String, List<String>> fields = new TreeMap<>();
        headers.forEach(entry -> fields.computeIfAbsent(entry.getKey().toString(), k -> new ArrayList<>()).add(entry.getValue().toString()));
        return new Outcome(Integer.parseInt(headers.status().toString()), fields, body.toString(StandardCharsets.UTF_8), -1, -1);
    }

    /** The padding at a padded frame's end (its length byte at the start is skipped by the caller). */
    private static int padding(int flags, byte[] payload) {
        return (flags & PADDED) != 0 && payload.length > 0 ? payload[0] & 0xff : 0;
    }

    private static byte[] windowIncrement(int length) {
        return new byte[] {(byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
    }

    /** HPACK literal header fields without indexing, new names, no Huffman coding (RFC 7541, section 6.2.2). */
    private static byte[] headerBlock(List<Field> fields) {
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        for (Field field : fields) {
            block.write(0x00);
            string(block, field.name().getBytes(StandardCharsets.ISO_8859_1));
            string(block, field.value().getBytes(StandardCharsets.ISO_8859_1));
        }
        return block.toByteArray();
    }

    private static void string(ByteArrayOutputStream block, byte[] bytes) {
        int length = bytes.length;
        if (length < 127) {
            block.write(length);
        } else {
            block.write(127);
            for (length -= 127; length >= 128; length >>>= 7) {
                block.write(length & 0x7f | 0x80);
            }
            block.write(length);
        }
        block.write(bytes, 0, bytes.length);
    }

    private void frame(int type, int flags, int stream, byte[] payload) throws IOException {
        int length = payload.length;
        out.write(new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
                (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8), (byte) stream});
        out.write(payload);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
