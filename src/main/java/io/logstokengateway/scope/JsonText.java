package io.logstokengateway.scope;

import com.fasterxml.jackson.core.io.JsonStringEncoder;

/** JSON string literals: the text between the quotes, escaped and unescaped. */
final class JsonText {

    private JsonText() {
    }

    /** {@code "text"}, escaped as JSON requires. */
    static String quote(String text) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
    }

    /** The text a JSON string literal's content (without its quotes) stands for. */
    static String unescape(String literal) {
        if (literal.indexOf('\\') < 0) {
            return literal;
        }
        return JsonBodies.object("{\"v\":\"" + literal + "\"}").get("v").asText();
    }
}
