package io.logstokengateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A real search server (OpenSearch or Elasticsearch, from its integ-test distribution) shared by every test in the
 * JVM: started on first use, stopped by a shutdown hook, and by a watchdog if the JVM dies without running its hooks.
 * {@link SearchNodeLauncher} starts the process; this class waits for it and talks to it.
 */
public abstract class LocalSearchServer {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(120);

    /** The process of a started node, or only its port when another copy of the server class started it. */
    record Node(Process process, int port, Path nodeDir, Path logFile) {
    }

    private final SearchDistribution distribution;
    private final Node node;
    private final URI uri;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    LocalSearchServer(SearchDistribution distribution, Node node) {
        this.distribution = distribution;
        this.node = node;
        this.uri = URI.create("http://127.0.0.1:" + node.port());
    }

    public URI uri() {
        return uri;
    }

    public int port() {
        return node.port();
    }

    /** Creates an index with one shard and no replica, so a single node reports it green. */
    public void createIndex(String name) {
        send("PUT", "/" + name, "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0}}");
    }

    /** Indexes a document and refreshes, so a search right after sees it. */
    public void index(String index, String id, String jsonDocument) {
        send("PUT", "/" + index + "/_doc/" + id + "?refresh=true", jsonDocument);
    }

    /** GET returning the body; fails on any non-2xx answer. */
    public String get(String pathAndQuery) {
        return send("GET", pathAndQuery, null);
    }

    /** Any request, returning the raw response whatever its status. */
    public HttpResponse<String> request(String method, String pathAndQuery, String jsonBody) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri.resolve(pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (jsonBody == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String send(String method, String pathAndQuery, String jsonBody) {
        HttpResponse<String> response = request(method, pathAndQuery, jsonBody);
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + pathAndQuery + " -> " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    // ---------------------------------------------------------------- one server per JVM

    /** The one server of a distribution in this JVM; each server class holds one in a static field. */
    static final class Shared<S extends LocalSearchServer> {

        private final SearchDistribution distribution;
        private final Function<Node, S> wrap;
        private S instance;
        private RuntimeException startFailure;

        Shared(SearchDistribution distribution, Function<Node, S> wrap) {
            this.distribution = distribution;
            this.wrap = wrap;
        }

        /** The shared server, started (once) on first call. */
        synchronized S get() {
            if (startFailure != null) {
                throw new IllegalStateException(distribution.product() + " failed to start earlier in this run", startFailure);
            }
            if (instance == null) {
                // Quarkus loads test classes again for each test profile; such a copy of the server class reuses
                // the server the first copy started instead of starting a second one.
                String running = System.getProperty(distribution.uriProperty());
                try {
                    instance = running != null
                            ? wrap.apply(new Node(null, URI.create(running).getPort(), null, null))
                            : start();
                } catch (RuntimeException e) {
                    startFailure = e; // fail every later test fast instead of waiting out the timeout again
                    throw e;
                }
                System.setProperty(distribution.uriProperty(), instance.uri().toString());
            }
            return instance;
        }

        private S start() {
            long t0 = System.nanoTime();
            S server = wrap.apply(SearchNodeLauncher.launch(distribution));
            LocalSearchServer started = server; // private members are not reachable through the type variable
            Runtime.getRuntime().addShutdownHook(new Thread(started::stop, distribution.runAsUser() + "-stop"));
            started.awaitHealthy();
            System.out.printf("%s ready at %s after %d ms (log: %s)%n", distribution.product(), started.uri(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), started.node.logFile());
            return server;
        }
    }

    /** Cluster health, not {@code GET /}: the Elasticsearch integ-test distribution has no root endpoint (405). */
    private void awaitHealthy() {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        HttpRequest health = HttpRequest.newBuilder(uri.resolve("/_cluster/health?wait_for_status=yellow&timeout=5s"))
                .timeout(Duration.ofSeconds(10)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!node.process().isAlive()) {
                throw new IllegalStateException(distribution.product() + " exited with code " + node.process().exitValue()
                        + " during startup; last lines of " + node.logFile() + ":\n" + tail(50));
            }
            try {
                HttpResponse<String> response = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep polling until the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            LocalProcesses.sleep(500);
        }
        stop();
        throw new IllegalStateException(distribution.product() + " did not answer cluster health within "
                + STARTUP_TIMEOUT.toSeconds() + " s; last lines of " + node.logFile() + ":\n" + tail(50));
    }

    private String tail(int lines) {
        return LocalProcesses.tail(node.logFile(), lines);
    }

    /** Stops the whole process tree (watchdog, runuser, the server's JVM) and removes its data. */
    private synchronized void stop() {
        LocalProcesses.stopTree(node.process(), Duration.ofSeconds(20));
        try {
            LocalProcesses.deleteTree(node.nodeDir().resolve("data"));
        } catch (IOException ignored) {
            // only disk space; a later run uses a fresh folder anyway
        }
    }
}
