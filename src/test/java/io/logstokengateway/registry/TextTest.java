package io.logstokengateway.registry;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextTest {

    @Test
    void lettersMarksNumbersPunctuationSymbolsAndSpacesArePrintable() {
        for (String text : new String[] {"Grafana (prod)", "équipe été", "日本語のログ", "Ελληνικά", "a\u0301", "€ ™ ☃ \uD83D\uDE00", "x\u00A0y", "#1: a/b"}) {
            assertTrue(Text.isPrintable(text), text);
        }
    }

    @Test
    void whatDoesNotShowAsItselfIsNot() {
        String[] refused = {"\u0000", "\t", "\n", "\r", "\u007F", "\u0085", "\u2028", "\u2029", "\u202E", "\u202A", "\u2066",
            "\u200B", "\u200E", "\uFEFF", "\u00AD", "\uE000", "\uDB80\uDC00", "\uD83D", "\uDE00", "\u0378"};
        for (String c : refused) {
            assertFalse(Text.isPrintable("name" + c), String.format("U+%04X", (int) c.charAt(0)));
        }
    }
}
