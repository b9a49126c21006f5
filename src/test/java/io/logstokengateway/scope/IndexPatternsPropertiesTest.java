package io.logstokengateway.scope;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link IndexPatterns} against brute force. Globs are drawn over {@code a b -}; names are enumerated over the same
 * letters plus {@code z}, which no glob uses. That makes bounded enumeration exact for inclusion: if glob {@code a}
 * is not within glob {@code b}, then {@code a} with each star replaced by {@code z} is a counterexample no longer
 * than {@code a}.
 */
class IndexPatternsPropertiesTest {

    private static final String GLOB_LETTERS = "ab-*";
    private static final String NAME_LETTERS = "ab-z";

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 20240101, 987654321})
    void isSubsetAgreesWithBruteForce(long seed) {
        Random random = new Random(seed);
        int subsets = 0;
        for (int i = 0; i < 1500; i++) {
            String a = randomGlob(random, 6);
            String b = randomGlob(random, 6);
            boolean expected = names(NAME_LETTERS, a.length()).stream()
                    .filter(name -> IndexPatterns.matches(a, name))
                    .allMatch(name -> IndexPatterns.matches(b, name));
            assertEquals(expected, IndexPatterns.isSubset(a, b), () -> "seed " + seed + ": [" + a + "] within [" + b + "]");
            subsets += expected ? 1 : 0;
        }
        assertTrue(subsets > 50, "the generator should produce inclusions too, got " + subsets);
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {4, 5, 6})
    void overlapsAgreesWithBruteForce(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 600; i++) {
            String a = randomGlob(random, 4);
            String b = randomGlob(random, 4);
            boolean expected = names("ab-", a.length() + b.length()).stream()
                    .anyMatch(name -> IndexPatterns.matches(a, name) && IndexPatterns.matches(b, name));
            assertEquals(expected, IndexPatterns.overlaps(a, b), () -> "seed " + seed + ": [" + a + "] and [" + b + "]");
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9})
    void matchesAgreesWithARegularExpression(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 5000; i++) {
            String glob = randomGlob(random, 8);
            String name = randomString(random, "ab-", 10);
            Pattern regex = Pattern.compile(("\\Q" + glob.replace("*", "\\E.*\\Q") + "\\E").replace("\\Q\\E", ""));
            assertEquals(regex.matcher(name).matches(), IndexPatterns.matches(glob, name), () -> glob + " ~ " + name);
        }
    }

    @Test
    void tenantsWhoseNamesArePrefixesOfOneAnotherDoNotShareAPattern() {
        assertFalse(IndexPatterns.overlaps("logs-aa-00001-a-*", "logs-aa-000010-a-*"));
        assertTrue(IndexPatterns.isSubset("logs-aa-00001-a-*", "logs-aa-00001*"));
        assertTrue(IndexPatterns.isSubset("logs-aa-000010-a-*", "logs-aa-00001*"));
        assertFalse(IndexPatterns.isSubset("logs-aa-00001*", "logs-aa-00001-a-*"));
    }

    @Test
    void aStarInsideANameIsOnlyAbsorbedByAStarOfThePattern() {
        assertTrue(IndexPatterns.isSubset("logs-*-x", "logs-*"));
        assertFalse(IndexPatterns.isSubset("logs-*", "logs-*-x"));
        assertTrue(IndexPatterns.isSubset("a**b", "a*b"));
        assertTrue(IndexPatterns.isSubset("", "*"));
        assertFalse(IndexPatterns.isSubset("*", ""));
    }

    static String randomGlob(Random random, int maxLength) {
        return randomString(random, GLOB_LETTERS, maxLength);
    }

    static String randomString(Random random, String letters, int maxLength) {
        int length = random.nextInt(maxLength + 1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < length; i++) {
            out.append(letters.charAt(random.nextInt(letters.length())));
        }
        return out.toString();
    }

    /** Every string over the letters, of length 0 to {@code maxLength}. */
    static List<String> names(String letters, int maxLength) {
        List<String> all = new ArrayList<>(List.of(""));
        List<String> previous = List.of("");
        for (int length = 1; length <= maxLength; length++) {
            List<String> next = new ArrayList<>();
            for (String prefix : previous) {
                for (char letter : letters.toCharArray()) {
                    next.add(prefix + letter);
                }
            }
            all.addAll(next);
            previous = next;
        }
        return all;
    }
}
