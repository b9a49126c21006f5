package io.logstokengateway.crypto;

import io.logstokengateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The master key and the keys derived from it: one encrypts secrets at rest, one keys the token lookup hash, one
 * seals the search context ids handed to clients. Taken from {@code gateway.secrets.key}, or generated once into the
 * data dir (owner-only).
 */
@ApplicationScoped
public class SecretKeys {

    static final String KEY_FILE = "secret.key";

    private final byte[] encryptionKey;
    private final byte[] lookupKey;
    private final byte[] searchContextKey;

    public SecretKeys(GatewayConfig config) {
        byte[] master = config.secrets().key()
                .map(SecretKeys::decode)
                .orElseGet(() -> loadOrCreate(config.dataDir().resolve(KEY_FILE)));
        this.encryptionKey = derive(master, "encryption");
        this.lookupKey = derive(master, "token-lookup");
        this.searchContextKey = derive(master, "search-context-seal");
    }

    byte[] encryptionKey() {
        return encryptionKey;
    }

    byte[] lookupKey() {
        return lookupKey;
    }

    byte[] searchContextKey() {
        return searchContextKey;
    }

    private static byte[] decode(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("gateway.secrets.key is not valid base64");
        }
        if (key.length != 32) {
            throw new IllegalStateException("gateway.secrets.key must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)");
        }
        return key;
    }

    private static byte[] loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return decode(Files.readString(file));
            }
            Files.createDirectories(file.getParent());
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(file);
            } catch (FileAlreadyExistsException e) {
                return decode(Files.readString(file)); // another process won the race
            }
            Files.writeString(file, Base64.getEncoder().encodeToString(key));
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or create the secret key " + file, e);
        }
    }

    private static byte[] derive(byte[] master, String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            return mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
