package io.logstokengateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} will not send (two {@code Host} headers, a
 * {@code Connection} naming {@code Content-Length}, hand-made {@code Forwarded} claims) and for many clients on one
 * machine: the request leaves from a chosen local address, and every {@code 127.x.y.z} is this machine's loopback.
 */
final class RawHttp {

    /** One answer: status, headers (names in any case), body as text. */
    record Answer(int status, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    private RawHttp() {
    }

    /** The {@code n}th client address of a test's own range {@code 127.<range>.x.y} (n below 64,000). */
    static String client(int range, int n) {
        return "127." + range + "." + (n / 250) + "." + (n % 250 + 2);
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Sends {@code head} (request line and header lines separated by CRLF, without the blank line) and {@code body}
     * from {@code from} to {@code 127.0.0.1:port}, and reads one answer (1xx answers skipped).
     */
    static Answer send(String from, int port, String head, byte[] body) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((head + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            if (body != null) {
                socket.getOutputStream().write(body);
            }
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            boolean headRequest = head.startsWith("HEAD ");
            while (true) {
                Answer answer = read(in, headRequest);
                if (answer.status() >= 200) {
                    return answer;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("request from " + from + " to port " + port, e);
        }
    }

    static Answer get(String from, int port, String pathAndQuery, String... headerLines) {
        StringBuilder head = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close");
        for (String line : headerLines) {
            head.append("\r\n").append(line);
        }
        return send(from, port, head.toString(), null);
    }

    private static Answer read(InputStream in, boolean headRequest) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new IOException("connection closed before an answer");
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line = line(in); line != null && !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>()).add(line.substring(colon + 1).trim());
        }
        if (status < 200 || status == 204 || status == 304 || headRequest) {
            return new Answer(status, headers, "");
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String> length = headers.get("Content-Length");
        List<String> encoding = headers.get("Transfer-Encoding");
        if (encoding != null && encoding.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                body.write(in.readNBytes(size));
                line(in);
            }
            for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                // trailers are not used by these tests
            }
        } else if (length != null) {
            body.write(in.readNBytes(Integer.parseInt(length.get(0))));
        } else {
            body.write(in.readAllBytes());
        }
        return new Answer(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** One CRLF-terminated line, without its end; {@code null} at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                byte[] text = bytes.toByteArray();
                int end = text.length > 0 && text[text.length - 1] == '\r' ? text.length - 1 : text.length;
                return new String(text, 0, end, StandardCharsets.UTF_8);
            }
            bytes.write(b);
        }
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.UTF_8);
    }
}
