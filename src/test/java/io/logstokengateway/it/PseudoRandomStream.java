package io.logstokengateway.it;

import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code length} bytes of deterministic pseudo-random data (xorshift64* from {@code seed}), generated on the fly in
 * blocks of 64 KiB: the same seed and length give the same bytes however they are read, and nothing bigger than one
 * block is ever held.
 */
final class PseudoRandomStream extends InputStream {

    static final int MIB = 1024 * 1024;
    private static final int BLOCK = 64 * 1024;

    private final byte[] block = new byte[BLOCK];
    private final long length;
    private long state;
    private long produced;
    private int position = BLOCK;

    PseudoRandomStream(long seed, long length) {
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
        this.length = length;
    }

    /** SHA-256, in lower-case hex, of the bytes such a stream yields. */
    static String sha256(long seed, long length) {
        MessageDigest digest = newSha256();
        byte[] buffer = new byte[BLOCK];
        try (PseudoRandomStream in = new PseudoRandomStream(seed, length)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer) {
        return read(buffer, 0, buffer.length);
    }

    @Override
    public int read(byte[] buffer, int offset, int len) {
        if (len == 0) {
            return 0;
        }
        long left = length - produced;
        if (left <= 0) {
            return -1;
        }
        if (position == BLOCK) {
            refill();
        }
        int n = (int) Math.min(Math.min(len, BLOCK - position), left);
        System.arraycopy(block, position, buffer, offset, n);
        position += n;
        produced += n;
        return n;
    }

    @Override
    public int available() {
        return (int) Math.min(BLOCK - position, length - produced);
    }

    @Override
    public void close() {
        // nothing held
    }

    private void refill() {
        for (int i = 0; i < BLOCK; i += 8) {
            state ^= state >>> 12;
            state ^= state << 25;
            state ^= state >>> 27;
            long value = state * 0x2545F4914F6CDD1DL;
            for (int b = 0; b < 8; b++) {
                block[i + b] = (byte) (value >>> (8 * b));
            }
        }
        position = 0;
    }
}
