package io.logstokengateway.testsupport;

import javax.net.SocketFactory;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An HTTP/1.1 client that sends the request exactly as given (no URI parsing, no normalisation, no escaping, any
 * headers: two {@code Host}s, a {@code Connection} naming {@code Content-Length}, hand-made {@code Forwarded}
 * claims), over one keep-alive connection: what an attacker's hand-written requests look like. The connection may
 * leave from a chosen local address, so that many clients fit on one machine: every {@code 127.x.y.z} is loopback.
 * Reads answers framed by {@code Content-Length}, chunked encoding, or the end of the connection; 1xx answers are
 * skipped.
 */
public final class RawHttpConnection implements Closeable {

    /** An answer: status, headers (names in any case), body as text ({@code ""} for HEAD). */
    public record Response(int status, Map<String, List<String>> headers, String body) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private final String from;
    private final int port;
    private final SocketFactory sockets;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public RawHttpConnection(int port) {
        this(null, port, SocketFactory.getDefault());
    }

    /** A connection to {@code 127.0.0.1:port} from the local address {@code from} ({@code null}: any). */
    public RawHttpConnection(String from, int port) {
        this(from, port, SocketFactory.getDefault());
    }

    /** Connections made by {@code sockets}, e.g. an {@code SSLSocketFactory} for a listener serving HTTPS. */
    public RawHttpConnection(int port, SocketFactory sockets) {
        this(null, port, sockets);
    }

    private RawHttpConnection(String from, int port, SocketFactory sockets) {
        this.from = from;
        this.port = port;
        this.sockets = sockets;
    }

    /** The connection of the last exchange, or {@code null} before the first one and after a close. */
    public Socket socket() {
        return socket;
    }

    /** One request from {@code from} on a connection of its own: {@link #send}. */
    public static Response once(String from, int port, String head, byte[] body) {
        try (RawHttpConnection connection = new RawHttpConnection(from, port)) {
            return connection.send(head, body);
        }
    }

    /** A GET from {@code from} on a connection of its own, closed after it, with the given header lines. */
    public static Response get(String from, int port, String pathAndQuery, String... headerLines) {
        StringBuilder head = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close");
        for (String line : headerLines) {
            head.append("\r\n").append(line);
        }
        return once(from, port, head.toString(), null);
    }

    /** The {@code n}th client address of a test's own range {@code 127.<range>.x.y} (n below 64,000). */
    public static String client(int range, int n) {
        return "127." + range + "." + (n / 250) + "." + (n % 250 + 2);
    }

    public static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends one request built from its parts (a {@code Host} and the body's length added) and reads its answer. */
    public Response exchange(String method, String target, Map<String, String> headers, byte[] body) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: gateway");
        headers.forEach((name, value) -> head.append("\r\n").append(name).append(": ").append(value));
        if (body != null) {
            head.append("\r\nContent-Length: ").append(body.length);
        }
        return send(head.toString(), body);
    }

    /**
     * Sends {@code head} (request line and header lines separated by CRLF, without the blank line) and {@code body},
     * reconnecting if the last answer closed the connection, and reads the answer.
     */
    public Response send(String head, byte[] body) {
        try {
            if (socket == null) {
                connect();
            }
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes((head + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                request.writeBytes(body);
            }
            out.write(request.toByteArray()); // one write: no head-then-body pause for the peer's delayed ACK
            out.flush();
            Response response = read(head.startsWith("HEAD "));
            if ("close".equalsIgnoreCase(response.header("Connection"))) {
                close();
            }
            return response;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("request " + head.lines().findFirst().orElse("") + " from " + from
                    + " to port " + port + " failed", e);
        }
    }

    private void connect() throws IOException {
        socket = sockets.createSocket();
        if (from != null) {
            socket.bind(new InetSocketAddress(from, 0));
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    private Response read(boolean head) throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim(), name -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        if (status < 200) {
            return read(head);
        }
        if (head || status == 204 || status == 304) {
            return new Response(status, headers, "");
        }
        List<String> length = headers.get("Content-Length");
        List<String> encoding = headers.get("Transfer-Encoding");
        if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                body.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers: not used by the tests
            }
            return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
        }
        if (length != null) {
            return new Response(status, headers, new String(in.readNBytes(Integer.parseInt(length.get(0))), StandardCharsets.UTF_8));
        }
        byte[] rest = in.readAllBytes();
        close();
        return new Response(status, headers, new String(rest, StandardCharsets.UTF_8));
    }

    private int chunkSize() throws IOException {
        return Integer.parseInt(line().split(";")[0].trim(), 16);
    }

    /** One line, without its CRLF; the end of the connection before it is an error. */
    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed before the end of the answer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            socket = null;
        }
    }
}
