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
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP/1.1 client that sends the request target exactly as given (no URI parsing, no normalisation, no escaping),
 * over one keep-alive connection: what an attacker's hand-written requests look like. Reads answers framed by
 * {@code Content-Length}, chunked encoding, or the end of the connection.
 */
public final class RawHttpConnection implements Closeable {

    /** An answer; {@code body} is empty for HEAD. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }
    }

    private final int port;
    private final SocketFactory sockets;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public RawHttpConnection(int port) {
        this(port, SocketFactory.getDefault());
    }

    /** Connections made by {@code sockets}, e.g. an {@code SSLSocketFactory} for a listener serving HTTPS. */
    public RawHttpConnection(int port, SocketFactory sockets) {
        this.port = port;
        this.sockets = sockets;
    }

    /** The connection of the last exchange, or {@code null} before the first one and after a close. */
    public Socket socket() {
        return socket;
    }

    /** Sends one request (reconnecting if the last answer closed the connection) and reads its answer. */
    public Response exchange(String method, String target, Map<String, String> headers, byte[] body) {
        try {
            if (socket == null) {
                connect();
            }
            StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: gateway\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            if (body != null) {
                head.append("Content-Length: ").append(body.length).append("\r\n");
            }
            head.append("\r\n");
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                request.writeBytes(body);
            }
            out.write(request.toByteArray()); // one write: no head-then-body pause for the peer's delayed ACK
            out.flush();
            Response response = read(method.equals("HEAD"));
            if ("close".equalsIgnoreCase(response.header("connection"))) {
                close();
            }
            return response;
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("exchange failed for " + method + " " + target, e);
        }
    }

    private void connect() throws IOException {
        socket = sockets.createSocket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    private Response read(boolean head) throws IOException {
        String statusLine = line();
        int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String line = line(); !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        if (status == 100) {
            return read(head);
        }
        if (head || status == 204 || status == 304) {
            return new Response(status, headers, new byte[0]);
        }
        List<String> length = headers.get("content-length");
        if (length != null) {
            return new Response(status, headers, in.readNBytes(Integer.parseInt(length.get(0))));
        }
        List<String> encoding = headers.get("transfer-encoding");
        if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                body.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            return new Response(status, headers, body.toByteArray());
        }
        byte[] rest = in.readAllBytes();
        close();
        return new Response(status, headers, rest);
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.ISO_8859_1);
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
