package io.logstokengateway.crypto;

import java.security.SecureRandom;
import java.util.regex.Pattern;

/** New token values: 256 random bits as 52 lowercase base32 characters (no ':' so Basic auth stays unambiguous). */
public final class TokenValues {

    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SHAPE = Pattern.compile("[a-z2-7]{52}");

    private TokenValues() {
    }

    /** Whether {@code text} could be a token value (what must then never be logged). */
    public static boolean hasTheShape(String text) {
        return text != null && SHAPE.matcher(text).matches();
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        StringBuilder out = new StringBuilder(52);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        out.append(ALPHABET[(buffer << (5 - bits)) & 31]);
        return out.toString();
    }
}
