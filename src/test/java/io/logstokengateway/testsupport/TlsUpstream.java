package io.logstokengateway.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTPS upstream on 127.0.0.1 (JDK {@code HttpsServer}, ephemeral port) that answers every request with a small
 * JSON body and records what reached it, and counts the TLS connections it was offered, so a test can tell "the
 * gateway refused the handshake" from "the gateway never came". Certificates are made at test time with the JDK's
 * {@code keytool}: a private CA ({@link PrivateCa}) and server certificates it signs, or a self-signed one.
 */
public final class TlsUpstream implements AutoCloseable {

    /** What the upstream received. */
    public record Recorded(String method, String rawPathAndQuery, Map<String, List<String>> headers) {
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /**
     * The private CA and the three upstreams of the TLS tests, shared by the whole test JVM.
     *
     * @param caPem     PEM of the private CA, for {@code gateway.*.tls.trust-certificates}
     * @param localhost certificate for {@code localhost} and {@code 127.0.0.1}, signed by the CA
     * @param wrongName certificate for {@code elsewhere.example} only, signed by the CA
     * @param untrusted self-signed certificate for {@code localhost} and {@code 127.0.0.1}: not from the CA
     */
    public record Fixture(Path caPem, TlsUpstream localhost, TlsUpstream wrongName, TlsUpstream untrusted) {
    }

    private static final String PKI_PROPERTY = "ltg.test.tls.pki";
    private static final String LOCALHOST_SAN = "dns:localhost,ip:127.0.0.1";
    private static final String LOCALHOST_STORE = "localhost.p12";
    private static final String WRONG_NAME_STORE = "elsewhere.example.p12";
    private static final String SELF_SIGNED_STORE = "localhost-self-signed.p12";
    private static Fixture shared;

    private final String name;
    private final HttpsServer server;
    private final ExecutorService executor;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger tlsConnections = new AtomicInteger();

    /**
     * The CA and upstreams, made and started on first call, stopped when the JVM exits. Quarkus loads test classes
     * again for each test profile (and once more to read the profile); each such copy starts its own servers, shared
     * by its profile and its tests, but the CA and certificates are made once per JVM ({@code keytool} is slow).
     */
    public static synchronized Fixture shared() {
        if (shared == null) {
            Path pki = pki();
            Fixture fixture = new Fixture(pki.resolve(PrivateCa.CERTIFICATE_PEM),
                    start("localhost", PrivateCa.load(pki.resolve(LOCALHOST_STORE))),
                    start("wrong-name", PrivateCa.load(pki.resolve(WRONG_NAME_STORE))),
                    start("untrusted", PrivateCa.load(pki.resolve(SELF_SIGNED_STORE))));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                fixture.localhost().close();
                fixture.wrongName().close();
                fixture.untrusted().close();
            }, "tls-upstreams-stop"));
            shared = fixture;
        }
        return shared;
    }

    /** The folder of the CA and the server key stores, made under target/tls-test by the first caller in the JVM. */
    private static Path pki() {
        String made = System.getProperty(PKI_PROPERTY);
        if (made != null) {
            return Path.of(made);
        }
        try {
            Files.createDirectories(Path.of("target", "tls-test"));
            Path dir = Files.createTempDirectory(Path.of("target", "tls-test"), "pki-").toAbsolutePath();
            PrivateCa ca = PrivateCa.create(dir);
            ca.issue("localhost", LOCALHOST_SAN, dir.resolve(LOCALHOST_STORE));
            ca.issue("elsewhere.example", "dns:elsewhere.example", dir.resolve(WRONG_NAME_STORE));
            PrivateCa.selfSigned("localhost", LOCALHOST_SAN, dir.resolve(SELF_SIGNED_STORE));
            System.setProperty(PKI_PROPERTY, dir.toString());
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts an upstream presenting the key entry of {@code identity}. */
    public static TlsUpstream start(String name, KeyStore identity) {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(identity, PrivateCa.PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            ExecutorService executor = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "tls-upstream-" + name);
                t.setDaemon(true);
                return t;
            });
            TlsUpstream upstream = new TlsUpstream(name, server, executor);
            server.setHttpsConfigurator(new HttpsConfigurator(counting(context, upstream.tlsConnections)));
            server.createContext("/", upstream::handle);
            server.setExecutor(executor);
            server.start();
            return upstream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private TlsUpstream(String name, HttpsServer server, ExecutorService executor) {
        this.name = name;
        this.server = server;
        this.executor = executor;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code https://localhost:<port>}: the name the gateway checks against the certificate. */
    public URI uri() {
        return URI.create("https://localhost:" + port());
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** TLS connections offered to this upstream (each one a handshake begun), whether or not a request followed. */
    public int tlsConnections() {
        return tlsConnections.get();
    }

    public void clearRequests() {
        requests.clear();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            URI requestUri = exchange.getRequestURI();
            String raw = requestUri.getRawPath() + (requestUri.getRawQuery() == null ? "" : "?" + requestUri.getRawQuery());
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
            requests.add(new Recorded(exchange.getRequestMethod(), raw, Collections.unmodifiableMap(headers)));

            byte[] body = ("{\"upstream\":\"" + name + "\",\"tls\":true}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                exchange.getResponseBody().write(body);
            }
        }
    }

    /** {@code context}, counting the engines {@code HttpsServer} makes: one per accepted connection. */
    private static SSLContext counting(SSLContext context, AtomicInteger engines) {
        SSLContextSpi spi = new SSLContextSpi() {
            @Override
            protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom random) {
                throw new UnsupportedOperationException("already initialised");
            }

            @Override
            protected SSLSocketFactory engineGetSocketFactory() {
                return context.getSocketFactory();
            }

            @Override
            protected SSLServerSocketFactory engineGetServerSocketFactory() {
                return context.getServerSocketFactory();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine() {
                engines.incrementAndGet();
                return context.createSSLEngine();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine(String host, int port) {
                engines.incrementAndGet();
                return context.createSSLEngine(host, port);
            }

            @Override
            protected SSLSessionContext engineGetServerSessionContext() {
                return context.getServerSessionContext();
            }

            @Override
            protected SSLSessionContext engineGetClientSessionContext() {
                return context.getClientSessionContext();
            }

            @Override
            protected SSLParameters engineGetDefaultSSLParameters() {
                return context.getDefaultSSLParameters();
            }

            @Override
            protected SSLParameters engineGetSupportedSSLParameters() {
                return context.getSupportedSSLParameters();
            }
        };
        return new SSLContext(spi, context.getProvider(), context.getProtocol()) { };
    }

    /** A private CA in a PKCS#12 file, driven through {@code keytool} as an operator would. */
    public static final class PrivateCa {

        /** Password of every key store and key made here. */
        public static final String PASSWORD = "tls-test-store";
        /** The CA certificate in PEM, written next to the CA's store. */
        public static final String CERTIFICATE_PEM = "ca.pem";
        private static final Path KEYTOOL = Path.of(System.getProperty("java.home"), "bin", "keytool");

        private final Path dir;
        private final Path store;

        private PrivateCa(Path dir, Path store) {
            this.dir = dir;
            this.store = store;
        }

        /** A new CA ({@code CN=logs-token-gateway test CA}, basicConstraints CA:true) in {@code dir}, its PEM beside it. */
        public static PrivateCa create(Path dir) {
            Path store = dir.resolve("ca.p12");
            keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=logs-token-gateway test CA", "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign",
                    "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", store.toString(), "-storepass", PASSWORD,
                    "-file", dir.resolve(CERTIFICATE_PEM).toString());
            return new PrivateCa(dir, store);
        }

        /** The CA {@link #create} made in {@code dir}, to issue more certificates. */
        public static PrivateCa open(Path dir) {
            return new PrivateCa(dir, dir.resolve("ca.p12"));
        }

        /**
         * A key pair in {@code target} (alias {@code server}) whose certificate, for {@code san} in keytool's syntax,
         * this CA signs; the CA certificate follows it in the entry's chain, as a server sends it.
         */
        public void issue(String commonName, String san, Path target) {
            issue(commonName, san, "serverAuth", target);
        }

        /** The same, for the extended key usage {@code eku} ({@code serverAuth}, {@code clientAuth}). */
        public void issue(String commonName, String san, String eku, Path target) {
            Path csr = dir.resolve(commonName + ".csr");
            Path signed = dir.resolve(commonName + ".pem");
            keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + commonName, "-validity", "2",
                    "-keystore", target.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            keytool(dir, "-certreq", "-alias", "server", "-keystore", target.toString(), "-storepass", PASSWORD,
                    "-file", csr.toString());
            keytool(dir, "-gencert", "-alias", "ca", "-keystore", store.toString(), "-storepass", PASSWORD,
                    "-infile", csr.toString(), "-outfile", signed.toString(), "-rfc", "-validity", "2",
                    "-ext", "san=" + san, "-ext", "eku=" + eku, "-ext", "ku=digitalSignature");
            try (InputStream in = Files.newInputStream(signed); InputStream caIn = Files.newInputStream(dir.resolve(CERTIFICATE_PEM))) {
                CertificateFactory x509 = CertificateFactory.getInstance("X.509");
                List<Certificate> chain = new ArrayList<>(x509.generateCertificates(in));
                chain.addAll(x509.generateCertificates(caIn));
                KeyStore keyStore = load(target);
                PrivateKey key = (PrivateKey) keyStore.getKey("server", PASSWORD.toCharArray());
                keyStore.setKeyEntry("server", key, PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
                try (OutputStream out = Files.newOutputStream(target)) {
                    keyStore.store(out, PASSWORD.toCharArray());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A self-signed key pair for {@code san} in {@code target}: no CA vouches for it. */
        public static void selfSigned(String commonName, String san, Path target) {
            keytool(target.getParent(), "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + commonName, "-ext", "san=" + san, "-validity", "2",
                    "-keystore", target.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        }

        /** A PKCS#12 store made here. */
        public static KeyStore load(Path file) {
            try (InputStream in = Files.newInputStream(file)) {
                KeyStore keyStore = KeyStore.getInstance("PKCS12");
                keyStore.load(in, PASSWORD.toCharArray());
                return keyStore;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void keytool(Path dir, String... args) {
            List<String> command = new ArrayList<>();
            command.add(KEYTOOL.toString());
            command.addAll(List.of(args));
            try {
                Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    process.destroyForcibly();
                    throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
