package io.logstokengateway.registry;

/** What counts as readable text in the names clients give (token names, display names, upstream usernames). */
final class Text {

    private Text() {
    }

    /**
     * Every character is printable in the Unicode sense: a letter, mark, number, punctuation, symbol or space
     * separator. Refused: controls (including U+0085), format characters (bidirectional overrides such as U+202E,
     * zero-width characters), line and paragraph separators (U+2028, U+2029), private-use, unassigned and unpaired
     * surrogate code points. A name then shows as what it is, wherever it is shown.
     */
    static boolean isPrintable(String text) {
        return text.codePoints().allMatch(Text::isPrintable);
    }

    private static boolean isPrintable(int codePoint) {
        return switch (Character.getType(codePoint)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.PRIVATE_USE, Character.UNASSIGNED, Character.SURROGATE -> false;
            default -> true;
        };
    }
}
