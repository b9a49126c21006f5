package io.logstokengateway.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What the credential caches are keyed by: the SHA-256 of the {@code Authorization} header, never the header itself.
 * A cache of 100,000 entries then holds 100,000 fixed-size keys whatever clients send, and no secret sits in memory
 * longer than the request that carried it.
 */
record CredentialKey(long a, long b, long c, long d) {

    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    });

    static CredentialKey of(String authorization) {
        ByteBuffer digest = ByteBuffer.wrap(SHA_256.get().digest(authorization.getBytes(StandardCharsets.UTF_8)));
        return new CredentialKey(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
    }

    @Override
    public String toString() {
        return "CredentialKey[redacted]";
    }
}
