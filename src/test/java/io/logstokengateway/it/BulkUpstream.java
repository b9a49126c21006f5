package io.logstokengateway.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An upstream that moves large bodies without holding them (JDK {@code com.sun.net.httpserver}, one thread per
 * exchange, blocking writes, so a write fails as soon as the gateway drops the connection). It ignores
 * {@code Authorization}.
 * <ul>
 * <li>{@code GET /big?bytes=N&seed=S}: N bytes of {@link PseudoRandomStream}, chunked; with {@code &dieAfter=M} the
 * connection is dropped after M bytes, without the last chunk; how each such download ended is queued for
 * {@link #nextDownload(long)};</li>
 * <li>{@code PUT /upload}: reads the body, answers {@code {"bytes":N,"sha256":"..."}}; how each upload ended is
 * queued for {@link #nextUpload(long)};</li>
 * <li>anything else: 404.</li>
 * </ul>
 */
final class BulkUpstream implements AutoCloseable {

    static final long DEFAULT_SEED = 20261128L;

    /** How one {@code GET /big} ended: all written, or a write that failed (the peer went away). */
    record Download(long requested, long written, boolean failed, String failure, long endedNanos) {
    }

    /** How one {@code PUT /upload} ended: the whole body read (as far as HTTP framing tells), or a read that failed. */
    record Upload(long read, String sha256, boolean failed, String failure) {
    }

    /** Thrown by a handler to drop the connection mid-body: the JDK server then closes it without ending the message. */
    private static final class DropConnection extends RuntimeException {
        DropConnection() {
            super("upstream drops the connection on purpose", null, false, false);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "bulk-upstream");
        thread.setDaemon(true);
        return thread;
    });
    private final BlockingQueue<Download> downloads = new LinkedBlockingQueue<>();
    private final BlockingQueue<Upload> uploads = new LinkedBlockingQueue<>();

    private BulkUpstream(HttpServer server) {
        this.server = server;
    }

    static BulkUpstream start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            BulkUpstream upstream = new BulkUpstream(server);
            server.createContext("/", upstream::handle);
            server.setExecutor(upstream.executor);
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Forgets how earlier downloads and uploads ended. */
    void clearOutcomes() {
        downloads.clear();
        uploads.clear();
    }

    /** How the next {@code GET /big} ended (waiting up to {@code seconds}), or {@code null} if it has not ended. */
    Download nextDownload(long seconds) throws InterruptedException {
        return downloads.poll(seconds, TimeUnit.SECONDS);
    }

    /** How the next {@code PUT /upload} ended (waiting up to {@code seconds}), or {@code null} if it has not ended. */
    Upload nextUpload(long seconds) throws InterruptedException {
        return uploads.poll(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        // Not try-with-resources: closing the exchange would end a chunked body cleanly, which DropConnection must not.
        try {
            String path = exchange.getRequestURI().getPath();
            if ("GET".equals(exchange.getRequestMethod()) && "/big".equals(path)) {
                big(exchange);
            } else if ("PUT".equals(exchange.getRequestMethod()) && "/upload".equals(path)) {
                upload(exchange);
            } else {
                exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
                byte[] body = "{\"error\":\"not found\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        } catch (IOException peerGone) {
            exchange.close(); // recorded by the handler where it matters
        }
    }

    private void big(HttpExchange exchange) throws IOException {
        long length = queryLong(exchange.getRequestURI(), "bytes", 300L * PseudoRandomStream.MIB);
        long seed = queryLong(exchange.getRequestURI(), "seed", DEFAULT_SEED);
        long dieAfter = queryLong(exchange.getRequestURI(), "dieAfter", Long.MAX_VALUE);
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        long written = 0;
        byte[] buffer = new byte[64 * 1024];
        try {
            exchange.sendResponseHeaders(200, 0); // chunked
            OutputStream out = exchange.getResponseBody();
            try (PseudoRandomStream in = new PseudoRandomStream(seed, length)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (written + n > dieAfter) {
                        out.flush();
                        downloads.add(new Download(length, written, true, "dropped on purpose", System.nanoTime()));
                        throw new DropConnection();
                    }
                    out.write(buffer, 0, n);
                    written += n;
                }
            }
            out.close(); // the last chunk
        } catch (IOException e) {
            downloads.add(new Download(length, written, true, e.toString(), System.nanoTime()));
            throw e;
        }
        downloads.add(new Download(length, written, false, null, System.nanoTime()));
    }

    private void upload(HttpExchange exchange) throws IOException {
        MessageDigest digest = PseudoRandomStream.newSha256();
        long count = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = exchange.getRequestBody()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                count += n;
            }
        } catch (IOException e) {
            uploads.add(new Upload(count, null, true, e.toString()));
            throw e;
        }
        String sha256 = HexFormat.of().formatHex(digest.digest());
        uploads.add(new Upload(count, sha256, false, null));
        byte[] body = ("{\"bytes\":" + count + ",\"sha256\":\"" + sha256 + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
    }

    private static long queryLong(URI uri, String name, long otherwise) {
        String query = uri.getRawQuery();
        if (query == null) {
            return otherwise;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(name + "=")) {
                return Long.parseLong(pair.substring(name.length() + 1));
            }
        }
        return otherwise;
    }
}
