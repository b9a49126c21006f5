package io.logstokengateway.scope;

/**
 * Index name globs where {@code *} matches any run of characters (possibly empty). Elasticsearch and OpenSearch
 * have no other wildcard, so inclusion between two globs is decidable, and cheaply.
 */
public final class IndexPatterns {

    private IndexPatterns() {
    }

    /**
     * Whether {@code pattern} matches {@code name}. A {@code *} inside {@code name} is an ordinary character that
     * only a {@code *} of the pattern can absorb, which is what makes {@link #isSubset} a single match.
     */
    public static boolean matches(String pattern, String name) {
        int p = 0;
        int n = 0;
        int lastStar = -1;
        int resumeAt = 0;
        while (n < name.length()) {
            if (p < pattern.length() && pattern.charAt(p) == '*') {
                lastStar = p++;
                resumeAt = n;
            } else if (p < pattern.length() && pattern.charAt(p) == name.charAt(n)) {
                p++;
                n++;
            } else if (lastStar >= 0) {
                // let the last star absorb one more character and retry from there
                p = lastStar + 1;
                n = ++resumeAt;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    /**
     * Whether every name matched by glob {@code a} is matched by glob {@code b}. Sound: if {@code b} matches the
     * text of {@code a}, each star of {@code a} lies inside a star of {@code b}, whatever it expands to. Complete:
     * otherwise {@code a} with every star replaced by a character absent from both globs is a name in {@code a} and
     * not in {@code b}.
     */
    public static boolean isSubset(String a, String b) {
        return matches(b, a);
    }

    /** Whether some name is matched by both globs. */
    public static boolean overlaps(String a, String b) {
        int n = a.length();
        int m = b.length();
        // common[i][j]: the suffixes a[i..] and b[j..] match a common name
        boolean[][] common = new boolean[n + 1][m + 1];
        common[n][m] = true;
        for (int i = n; i >= 0; i--) {
            for (int j = m; j >= 0; j--) {
                if (i == n && j == m) {
                    continue;
                }
                if (i < n && a.charAt(i) == '*') {
                    common[i][j] = common[i + 1][j] || (j < m && common[i][j + 1]);
                } else if (j < m && b.charAt(j) == '*') {
                    common[i][j] = common[i][j + 1] || (i < n && common[i + 1][j]);
                } else {
                    common[i][j] = i < n && j < m && a.charAt(i) == b.charAt(j) && common[i + 1][j + 1];
                }
            }
        }
        return common[0][0];
    }
}
