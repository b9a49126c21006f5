package io.logstokengateway.testsupport;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every listener serving TLS must do, checked with openssl, curl and the JDK trusting the CA of a
 * {@link ListenerPki} only (so a success also proves the listener presented the configured certificate). Shared by the
 * in-process tests ({@code ListenerTlsTest}, {@code CertificateRotationTest}) and {@code ListenerTlsIT}, which runs them
 * against the packaged gateway and the native executable. Every listener binds {@code 127.0.0.1} here.
 */
public final class ListenerTlsChecks {

    private ListenerTlsChecks() {
    }

    public static void acceptsTls13AndTls12WithAnAeadCipher(ListenerPki pki, int port) {
        Command.Result tls13 = handshake(pki, port, "-tls1_3");
        assertTrue(tls13.output().contains("TLSv1.3"), tls13::toString);
        Command.Result gcm = handshake(pki, port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256");
        assertTrue(gcm.output().contains("ECDHE-ECDSA-AES128-GCM-SHA256"), gcm::toString);
        Command.Result chacha = handshake(pki, port, "-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305");
        assertTrue(chacha.output().contains("ECDHE-ECDSA-CHACHA20-POLY1305"), chacha::toString);
    }

    public static void refusesTls11(ListenerPki pki, int port) {
        // Security level 0, or openssl itself would not offer TLS 1.1: the refusal must come from the gateway.
        Command.Result old = Command.run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile",
                pki.caPem().toString(), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
        assertNotEquals(0, old.exitCode(), old::toString);
        assertTrue(old.output().contains("alert protocol version") || old.output().contains("alert handshake failure"),
                old::toString);
    }

    /** The CBC suites the JDK would otherwise offer in TLS 1.2. */
    public static void refusesTls12CbcCiphers(ListenerPki pki, int port) {
        for (String cipher : new String[] {"ECDHE-ECDSA-AES128-SHA256", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA"}) {
            Command.Result cbc = Command.run("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-CAfile",
                    pki.caPem().toString(), "-tls1_2", "-cipher", cipher);
            assertNotEquals(0, cbc.exitCode(), () -> cipher + " on " + port + ": " + cbc);
            assertTrue(cbc.output().contains("alert handshake failure"), cbc::toString);
        }
    }

    public static void negotiatesHttp2WhenOfferedAndHttp11Otherwise(ListenerPki pki, int port) {
        Command.Result h2 = handshake(pki, port, "-alpn", "h2,http/1.1");
        assertTrue(h2.output().contains("ALPN protocol: h2"), h2::toString);
        Command.Result h1 = handshake(pki, port, "-alpn", "http/1.1");
        assertTrue(h1.output().contains("ALPN protocol: http/1.1"), h1::toString);
    }

    public static void servesNothingInClear(int port) {
        Command.Result plain = Command.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                "http://127.0.0.1:" + port + "/");
        assertNotEquals(0, plain.exitCode(), () -> "port " + port + " answered plain HTTP: " + plain);
    }

    /**
     * An operator's client certificate from the CA is accepted at {@code url}, one from another CA is refused. curl
     * sends the certificate it is given (the JDK's client would send none the server's CA list does not name).
     */
    public static void acceptsClientCertificatesFromTheCaOnly(ListenerPki pki, String url) {
        assertEquals("200 https", curl(pki, url, "--cert-type", "P12", "--cert", pki.dir.resolve("operator.p12") + ":"
                + TlsUpstream.PrivateCa.PASSWORD));
        Command.Result intruder = Command.run("curl", "-sS", "--cacert", pki.caPem().toString(), "-o", "/dev/null", "--max-time",
                "20", "--cert-type", "P12", "--cert", pki.dir.resolve("intruder.p12") + ":" + TlsUpstream.PrivateCa.PASSWORD, url);
        assertNotEquals(0, intruder.exitCode(), intruder::toString);
        // Refused with a TLS alert, then closed: on a busy machine curl may meet the closed connection (55: send, 56:
        // receive failed) before it reads the alert. Anything else (a timeout, an HTTP answer) is not a refusal.
        assertTrue(intruder.output().contains("alert") || intruder.exitCode() == 55 || intruder.exitCode() == 56, intruder::toString);
    }

    /** curl trusting the CA only, {@code more} options added: {@code "<status> <scheme>"}, e.g. {@code "200 https"}. */
    public static String curl(ListenerPki pki, String url, String... more) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--cacert", pki.caPem().toString(), "-o", "/dev/null",
                "-w", "%{http_code} %{scheme}", "--max-time", "20"));
        command.addAll(List.of(more));
        command.add(url);
        Command.Result result = Command.run(command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result::toString);
        return result.output().trim().toLowerCase();
    }

    /** An openssl handshake verifying the listener's certificate with the CA only; fails unless it succeeds. */
    public static Command.Result handshake(ListenerPki pki, int port, String... options) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-CAfile", pki.caPem().toString(), "-verify_return_error"));
        command.addAll(List.of(options));
        Command.Result result = Command.run(command.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result::toString);
        assertTrue(result.output().contains("Verify return code: 0 (ok)"), result::toString);
        return result;
    }

    /** The certificate a new connection gets, from a new client context (so no session of an earlier one is resumed). */
    public static BigInteger freshSerial(ListenerPki pki, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) pki.clientContext(null).getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
            socket.startHandshake();
            return serial(socket);
        }
    }

    public static BigInteger serial(SSLSocket socket) throws IOException {
        return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
}
