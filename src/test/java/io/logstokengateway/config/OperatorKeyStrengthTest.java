package io.logstokengateway.config;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gateway.admin.key} must read as at least 32 random bytes, in hex or base64. */
class OperatorKeyStrengthTest {

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    @Test
    void keysAsOpensslWritesThemAreAccepted() {
        for (int i = 0; i < 50; i++) {
            byte[] bytes = random(32);
            assertTrue(ConfigValidator.isStrongKey(HexFormat.of().formatHex(bytes)), "openssl rand -hex 32");
            assertTrue(ConfigValidator.isStrongKey(HexFormat.of().withUpperCase().formatHex(bytes)));
            assertTrue(ConfigValidator.isStrongKey(Base64.getEncoder().encodeToString(bytes)), "openssl rand -base64 32");
            assertTrue(ConfigValidator.isStrongKey(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
            assertTrue(ConfigValidator.isStrongKey(Base64.getEncoder().encodeToString(random(48))));
        }
    }

    @Test
    void shortPatternedOrPassphraseKeysAreRefused() {
        List<String> weak = List.of(
                "test-operator-key-0123456789abcdef",           // the kind of key a test or a demo invents
                HexFormat.of().formatHex(random(31)),            // 31 bytes
                Base64.getEncoder().encodeToString(random(31)),
                "00".repeat(32),                                 // long enough, not random
                "0123456789abcdef".repeat(4),
                Base64.getEncoder().encodeToString("a".repeat(40).getBytes()),
                "correct horse battery staple correct horse battery staple",
                "");
        for (String key : weak) {
            assertFalse(ConfigValidator.isStrongKey(key), key);
        }
    }
}
