package io.logstokengateway.testsupport;

import io.logstokengateway.testsupport.TlsUpstream.PrivateCa;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;

/**
 * The certificates of the listener TLS tests, made with {@code keytool} through {@link PrivateCa} before Quarkus
 * (or the packaged gateway, {@code ListenerTlsIT}) starts: a private CA, the gateway's certificate for {@code localhost} and {@code 127.0.0.1} written as an operator
 * (or cert-manager) would give it, {@code tls.crt} (chain) and {@code tls.key} (PKCS#8), an operator's client
 * certificate from the same CA, and a self-signed client certificate no one trusts. Made once per JVM: Quarkus loads
 * test classes again per profile, so the folder is passed on in a system property.
 */
public final class ListenerPki {

    private static final String DIR_PROPERTY = "ltg.test.listener-tls.dir";
    private static final String SAN = "dns:localhost,ip:127.0.0.1";

    public final Path dir;

    private ListenerPki(Path dir) {
        this.dir = dir;
    }

    public static synchronized ListenerPki shared() {
        String made = System.getProperty(DIR_PROPERTY);
        if (made != null) {
            return new ListenerPki(Path.of(made));
        }
        try {
            Files.createDirectories(Path.of("target", "tls-test"));
            Path dir = Files.createTempDirectory(Path.of("target", "tls-test"), "listeners-").toAbsolutePath();
            ListenerPki pki = new ListenerPki(dir);
            PrivateCa ca = PrivateCa.create(dir);
            pki.issueServer(ca, "gateway-1");
            ca.issue("operator", "dns:operator.example", "clientAuth", dir.resolve("operator.p12"));
            PrivateCa.selfSigned("intruder", "dns:intruder.example", dir.resolve("intruder.p12"));
            System.setProperty(DIR_PROPERTY, dir.toString());
            return pki;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path caPem() {
        return dir.resolve(PrivateCa.CERTIFICATE_PEM);
    }

    /** The folder the key store is read from, laid out as Kubernetes mounts a TLS secret. */
    private Path mount() {
        return dir.resolve("mounted-secret");
    }

    public Path certPem() {
        return mount().resolve("tls.crt");
    }

    public Path keyPem() {
        return mount().resolve("tls.key");
    }

    /**
     * A new key pair and certificate from the same CA replace {@code tls.crt} and {@code tls.key} together, the way
     * Kubernetes updates a mounted secret: both files are links through {@code ..data}, which is switched in one rename
     * to a folder holding the new pair. Returns the new certificate's serial number.
     */
    public BigInteger rotate(String name) {
        return issueServer(PrivateCa.open(dir), name);
    }

    private BigInteger issueServer(PrivateCa ca, String name) {
        Path store = dir.resolve(name + ".p12");
        ca.issue(name, SAN, store);
        try {
            KeyStore keyStore = PrivateCa.load(store);
            Certificate[] chain = keyStore.getCertificateChain("server");
            StringBuilder pem = new StringBuilder();
            for (Certificate certificate : chain) {
                pem.append(pem("CERTIFICATE", certificate.getEncoded()));
            }
            byte[] key = keyStore.getKey("server", PrivateCa.PASSWORD.toCharArray()).getEncoded();
            Path version = Files.createDirectories(mount().resolve(".." + name));
            Files.writeString(version.resolve("tls.crt"), pem, StandardCharsets.US_ASCII);
            Files.writeString(version.resolve("tls.key"), pem("PRIVATE KEY", key), StandardCharsets.US_ASCII);
            Path next = Files.createSymbolicLink(mount().resolve("..data_tmp"), version.getFileName());
            Files.move(next, mount().resolve("..data"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            for (String file : new String[] {"tls.crt", "tls.key"}) {
                if (!Files.isSymbolicLink(mount().resolve(file))) {
                    Files.createSymbolicLink(mount().resolve(file), Path.of("..data", file));
                }
            }
            return ((X509Certificate) chain[0]).getSerialNumber();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** A client context trusting the CA only, presenting {@code clientStore}'s key when asked (null: none). */
    public SSLContext clientContext(String clientStore) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            try (InputStream in = Files.newInputStream(caPem())) {
                trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (clientStore != null) {
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(PrivateCa.load(dir.resolve(clientStore)), PrivateCa.PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Base64 of the SHA-256 of the current certificate's public key, as Chromium's SPKI pins are written. */
    public String spkiPin() {
        try (InputStream in = Files.newInputStream(certPem())) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
