package io.logstokengateway.crypto;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Seals the scroll, point-in-time and async-search ids the upstream hands out before a client sees them, and opens
 * them when they come back. An upstream without a security plugin does not tie these ids to their owner, and some
 * are a node-wide counter plus constants, so the gateway binds each one to the service it was issued to and to an
 * expiry, under AES-256-GCM with a key derived from the master key. Stateless: every node sharing the master key
 * opens what another sealed. A forged, altered, expired or foreign id simply does not open.
 *
 * <p>Format (base64url, no padding): a version byte, a 12-byte nonce, then the ciphertext of
 * {@code kind (1 byte) | expiry in epoch seconds (8 bytes) | upstream id (UTF-8)} with its tag; the service name and
 * the kind are associated data.
 */
@ApplicationScoped
public class SearchContextSeal {

    /** What an id designates: a handle of one kind never opens as another. */
    public enum Kind { SCROLL, POINT_IN_TIME, ASYNC_SEARCH }

    /** Longest sealed id worth trying to open (a scroll over many shards makes long ids). */
    public static final int MAX_SEALED_LENGTH = 1 << 20;

    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int HEADER_BYTES = 1 + 8;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public SearchContextSeal(SecretKeys keys) {
        this(keys.searchContextKey());
    }

    /** For tests: a seal under a given 32-byte key. */
    public SearchContextSeal(byte[] key) {
        this.key = new SecretKeySpec(key, "AES");
    }

    /** The id to hand to {@code service} in place of {@code upstreamId}, valid until {@code expiry}. */
    public String seal(Kind kind, String service, String upstreamId, Instant expiry) {
        byte[] id = upstreamId.getBytes(StandardCharsets.UTF_8);
        byte[] plaintext = ByteBuffer.allocate(HEADER_BYTES + id.length)
                .put((byte) kind.ordinal()).putLong(expiry.getEpochSecond()).put(id).array();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, 0, kind, service);
            byte[] sealed = cipher.doFinal(plaintext);
            byte[] out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(VERSION).put(nonce).put(sealed).array();
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Sealing a search context id failed", e);
        }
    }

    /** The upstream id, when {@code sealed} was sealed by this key for this kind and service and has not expired. */
    public Optional<String> open(Kind kind, String service, String sealed, Instant now) {
        if (sealed == null || sealed.isEmpty() || sealed.length() > MAX_SEALED_LENGTH) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(sealed);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        if (bytes.length < 1 + NONCE_BYTES + HEADER_BYTES + TAG_BITS / 8 || bytes[0] != VERSION) {
            return Optional.empty();
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, bytes, 1, kind, service);
            ByteBuffer plaintext = ByteBuffer.wrap(cipher.doFinal(bytes, 1 + NONCE_BYTES, bytes.length - 1 - NONCE_BYTES));
            if (plaintext.get() != kind.ordinal() || now.getEpochSecond() >= plaintext.getLong()) {
                return Optional.empty();
            }
            return Optional.of(StandardCharsets.UTF_8.decode(plaintext).toString());
        } catch (AEADBadTagException forgedOrForeign) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Opening a search context id failed", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, int nonceOffset, Kind kind, String service) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce, nonceOffset, NONCE_BYTES));
        cipher.updateAAD(("search-context/" + kind + "/" + service).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
