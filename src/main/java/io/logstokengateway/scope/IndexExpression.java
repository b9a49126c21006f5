package io.logstokengateway.scope;

import java.util.ArrayList;
import java.util.List;

/**
 * An Elasticsearch index expression (a path segment or a body field, already percent-decoded): a comma list of
 * concrete names, {@code *} wildcards, {@code _all}, exclusions ({@code -name}, {@code -pat*}) and date math
 * ({@code <logs-{now/d}>}). Remote clusters ({@code cluster:index}) and anything else the gateway cannot reason
 * about are refused while parsing, so every item of a parsed expression has a known meaning.
 */
public record IndexExpression(String text, List<Item> items) {

    /** Characters Elasticsearch refuses in index names, plus {@code :} (remote clusters) and braces. */
    private static final String FORBIDDEN_IN_NAMES = "\\/*?\"<>| ,#:{}";
    /** Characters a date-math placeholder may hold: {@code now-1d/d{yyyy.MM.dd|+12:00}}. */
    private static final String DATE_MATH_PUNCTUATION = "/+-|:._'";

    public IndexExpression {
        items = List.copyOf(items);
    }

    /** One comma-separated element of an expression; {@code text()} is what is forwarded. */
    public sealed interface Item permits Name, Wildcard, All, DateMath, Exclusion {
        String text();
    }

    /** A concrete index, alias or data stream name. */
    public record Name(String text) implements Item {
    }

    /** A pattern with at least one {@code *}. */
    public record Wildcard(String text) implements Item {
    }

    /** {@code _all}: every index. */
    public record All() implements Item {
        @Override
        public String text() {
            return "_all";
        }
    }

    /** Date math, forwarded as written; {@code glob} has a {@code *} for each placeholder, covering every resolution. */
    public record DateMath(String text, String glob) implements Item {
    }

    /** {@code -target}: removes what the preceding wildcards matched (it never adds an index). */
    public record Exclusion(Item target) implements Item {
        @Override
        public String text() {
            return "-" + target.text();
        }
    }

    /** Decodes a raw path segment strictly, then parses it. */
    public static IndexExpression fromPathSegment(String rawSegment) {
        return parse(PercentEncoding.decodePathSegment(rawSegment));
    }

    /** Parses a decoded expression; refuses it with a reason when any item is empty, remote or malformed. */
    public static IndexExpression parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new ScopeRefusal("an empty index expression is not allowed");
        }
        List<Item> items = new ArrayList<>();
        // split on every comma, as Elasticsearch does before it looks at date math
        for (String part : text.split(",", -1)) {
            items.add(parseItem(part, text));
        }
        return new IndexExpression(text, items);
    }

    private static Item parseItem(String part, String whole) {
        if (part.isEmpty()) {
            throw new ScopeRefusal("the index expression [" + whole + "] has an empty item");
        }
        if (part.startsWith("-")) {
            Item target = parsePositive(part.substring(1), whole);
            if (target instanceof All) {
                throw new ScopeRefusal("the index expression [" + whole + "] excludes [_all]");
            }
            return new Exclusion(target);
        }
        return parsePositive(part, whole);
    }

    private static Item parsePositive(String part, String whole) {
        if (part.equals("_all")) {
            return new All();
        }
        if (part.startsWith("<")) {
            return parseDateMath(part);
        }
        if (part.indexOf(':') >= 0) {
            throw new ScopeRefusal("the index [" + part + "] names a remote cluster, which is not allowed");
        }
        if (part.isEmpty() || "_-+".indexOf(part.charAt(0)) >= 0 || part.equals(".") || part.equals("..")) {
            throw new ScopeRefusal("the index expression [" + whole + "] has an invalid index name [" + part + "]");
        }
        for (int i = 0; i < part.length(); i++) {
            char c = part.charAt(i);
            if (c != '*' && (FORBIDDEN_IN_NAMES.indexOf(c) >= 0 || Character.isISOControl(c))) {
                throw new ScopeRefusal("the index name [" + part + "] has the invalid character [" + c + "]");
            }
        }
        return part.indexOf('*') >= 0 ? new Wildcard(part) : new Name(part);
    }

    /** {@code <static{placeholder{format|zone}}static>}: each placeholder becomes a {@code *} in the glob. */
    private static DateMath parseDateMath(String part) {
        if (part.length() < 3 || !part.endsWith(">")) {
            throw new ScopeRefusal("the date math index [" + part + "] is malformed");
        }
        String inner = part.substring(1, part.length() - 1);
        StringBuilder glob = new StringBuilder();
        int depth = 0;
        int placeholderLength = 0;
        for (int i = 0; i < inner.length(); i++) {
            char c = inner.charAt(i);
            if (c == '{') {
                if (depth == 0) {
                    glob.append('*');
                    placeholderLength = 0;
                }
                if (++depth > 2) {
                    throw new ScopeRefusal("the date math index [" + part + "] nests braces too deeply");
                }
            } else if (c == '}') {
                if (depth == 0 || (depth == 1 && placeholderLength == 0)) {
                    throw new ScopeRefusal("the date math index [" + part + "] has unbalanced or empty braces");
                }
                depth--;
            } else if (depth > 0) {
                if (!isAsciiLetterOrDigit(c) && DATE_MATH_PUNCTUATION.indexOf(c) < 0) {
                    throw new ScopeRefusal("the date math index [" + part + "] has the invalid character [" + c + "]");
                }
                placeholderLength++;
            } else if (c == '*' || FORBIDDEN_IN_NAMES.indexOf(c) >= 0 || Character.isISOControl(c)) {
                throw new ScopeRefusal("the date math index [" + part + "] has the invalid character [" + c + "]");
            } else {
                glob.append(c);
            }
        }
        if (depth != 0) {
            throw new ScopeRefusal("the date math index [" + part + "] has unbalanced braces");
        }
        if (glob.length() == 0 || "_-+".indexOf(glob.charAt(0)) >= 0) {
            throw new ScopeRefusal("the date math index [" + part + "] resolves to an invalid index name");
        }
        return new DateMath(part, glob.toString());
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
