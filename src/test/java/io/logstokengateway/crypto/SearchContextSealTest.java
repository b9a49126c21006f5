package io.logstokengateway.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.logstokengateway.crypto.SearchContextSeal.Kind;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SearchContextSealTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final Instant LATER = NOW.plusSeconds(600);
    private static final String UPSTREAM_ID = "FGluY2x1ZGVfY29udGV4dF91dWlkDXF1ZXJ5QW5kRmV0Y2gBFlRkR3VJR29MU2pXUk9XWG5ucXlRc3cAAAAAAAAAARY2MGF1SDBoWVFpdUJ2bUFhdW5LRlRn";

    private final SearchContextSeal seal = new SearchContextSeal(new byte[32]);

    @Test
    void opensForTheServiceAndKindItWasSealedFor() {
        String sealed = seal.seal(Kind.SCROLL, "ldp-aa-00001", UPSTREAM_ID, LATER);
        assertEquals(Optional.of(UPSTREAM_ID), seal.open(Kind.SCROLL, "ldp-aa-00001", sealed, NOW));
        assertTrue(!sealed.contains(UPSTREAM_ID.substring(0, 16)), "the upstream id shows through");
    }

    @Test
    void anotherServiceCannotOpenIt() {
        String sealed = seal.seal(Kind.SCROLL, "ldp-aa-00001", UPSTREAM_ID, LATER);
        assertEquals(Optional.empty(), seal.open(Kind.SCROLL, "ldp-bb-00002", sealed, NOW));
        assertEquals(Optional.empty(), seal.open(Kind.SCROLL, "ldp-aa-000010", sealed, NOW));
    }

    @Test
    void aScrollIdDoesNotOpenAsAPointInTime() {
        String sealed = seal.seal(Kind.SCROLL, "ldp-aa-00001", UPSTREAM_ID, LATER);
        assertEquals(Optional.empty(), seal.open(Kind.POINT_IN_TIME, "ldp-aa-00001", sealed, NOW));
    }

    @Test
    void anExpiredIdDoesNotOpen() {
        String sealed = seal.seal(Kind.POINT_IN_TIME, "ldp-aa-00001", UPSTREAM_ID, LATER);
        assertEquals(Optional.empty(), seal.open(Kind.POINT_IN_TIME, "ldp-aa-00001", sealed, LATER));
    }

    @Test
    void anotherKeyCannotOpenIt() {
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        String sealed = new SearchContextSeal(otherKey).seal(Kind.SCROLL, "ldp-aa-00001", UPSTREAM_ID, LATER);
        assertEquals(Optional.empty(), seal.open(Kind.SCROLL, "ldp-aa-00001", sealed, NOW));
    }

    @Test
    void sealingTwiceGivesTwoIds() {
        assertNotEquals(seal.seal(Kind.SCROLL, "s", UPSTREAM_ID, LATER), seal.seal(Kind.SCROLL, "s", UPSTREAM_ID, LATER));
    }

    /** Every byte flipped, every truncation, and random garbage: none opens, none throws. */
    @Test
    void anyAlterationDoesNotOpen() {
        String sealed = seal.seal(Kind.SCROLL, "ldp-aa-00001", UPSTREAM_ID, LATER);
        byte[] bytes = Base64.getUrlDecoder().decode(sealed);
        for (int i = 0; i < bytes.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] altered = bytes.clone();
                altered[i] ^= (byte) (1 << bit);
                String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(altered);
                assertEquals(Optional.empty(), seal.open(Kind.SCROLL, "ldp-aa-00001", tampered, NOW), "byte " + i + " bit " + bit);
            }
        }
        for (int length = 0; length < sealed.length(); length++) {
            assertEquals(Optional.empty(), seal.open(Kind.SCROLL, "ldp-aa-00001", sealed.substring(0, length), NOW));
        }
        Random random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            String text = random.nextBoolean() ? Base64.getUrlEncoder().encodeToString(garbage) : new String(garbage);
            assertEquals(Optional.empty(), seal.open(Kind.SCROLL, "ldp-aa-00001", text, NOW));
        }
    }
}
