package io.logstokengateway.crypto;

import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/** Keyed hash of token values: what the registry looks tokens up by, useless to whoever steals the database alone. */
@ApplicationScoped
public class TokenHasher {

    private final ThreadLocal<Mac> mac;

    public TokenHasher(SecretKeys keys) {
        SecretKeySpec key = new SecretKeySpec(keys.lookupKey(), "HmacSHA256");
        this.mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public String lookupHash(String tokenValue) {
        return HexFormat.of().formatHex(mac.get().doFinal(tokenValue.getBytes(StandardCharsets.UTF_8)));
    }
}
