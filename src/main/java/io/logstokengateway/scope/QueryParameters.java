package io.logstokengateway.scope;

import io.logstokengateway.limits.LimitExceeded;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The parameters of a query string, read the way OpenSearch reads them: split on {@code &} and on {@code ;}, then
 * on the first {@code =}, each part percent-decoded with {@code +} as a space. What is forwarded is
 * {@link #encode()} of what the rules accepted, never the query string as received. A parameter given twice is
 * refused (the upstream keeps the last, a check might look at the first), and so is one the route does not know.
 */
record QueryParameters(List<Map.Entry<String, String>> entries) {

    private static final String HEX = "0123456789ABCDEF";

    QueryParameters {
        entries = List.copyOf(entries);
    }

    static final QueryParameters NONE = new QueryParameters(List.of());

    /** Parses at most {@code maxParameters} parameters; more are refused (400) before they are decoded. */
    static QueryParameters parse(String rawQuery, int maxParameters) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return NONE;
        }
        List<Map.Entry<String, String>> entries = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= rawQuery.length(); i++) {
            if (i == rawQuery.length() || rawQuery.charAt(i) == '&' || rawQuery.charAt(i) == ';') {
                if (i > start) {
                    if (entries.size() == maxParameters) {
                        throw new LimitExceeded("max-query-parameters", 400, null,
                                "a request may have at most " + maxParameters + " query parameters");
                    }
                    entries.add(pair(rawQuery.substring(start, i)));
                }
                start = i + 1;
            }
        }
        QueryParameters parameters = new QueryParameters(entries);
        parameters.refuseRepeats();
        return parameters;
    }

    private static Map.Entry<String, String> pair(String pair) {
        int equals = pair.indexOf('=');
        String name = PercentEncoding.decodeQueryComponent(equals < 0 ? pair : pair.substring(0, equals));
        String value = equals < 0 ? "" : PercentEncoding.decodeQueryComponent(pair.substring(equals + 1));
        if (name.isEmpty()) {
            throw ScopeRefusal.malformed("the query string has a parameter without a name");
        }
        return Map.entry(name, value);
    }

    /** The value of the parameter, if given. */
    Optional<String> value(String name) {
        for (Map.Entry<String, String> entry : entries) {
            if (entry.getKey().equals(name)) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    boolean has(String name) {
        return value(name).isPresent();
    }

    /** Refuses any parameter not in {@code allowed}, with the upstream's own wording for an unknown one. */
    void requireOnly(Set<String> allowed, String rawPath) {
        for (Map.Entry<String, String> entry : entries) {
            if (!allowed.contains(entry.getKey())) {
                throw ScopeRefusal.malformed("request [" + rawPath + "] contains unrecognized parameter: ["
                        + entry.getKey() + "]");
            }
        }
    }

    /** Refuses a value other than none, {@code true} or {@code false} for these parameters, as the upstream would. */
    void requireBooleans(Set<String> names) {
        for (Map.Entry<String, String> entry : entries) {
            String value = entry.getValue();
            if (names.contains(entry.getKey()) && !value.isEmpty() && !value.equals("true") && !value.equals("false")) {
                throw ScopeRefusal.malformed("Failed to parse value [" + value + "] as only [true] or [false] are allowed.");
            }
        }
    }

    /** These parameters without {@code name}. */
    QueryParameters without(String name) {
        return new QueryParameters(entries.stream().filter(entry -> !entry.getKey().equals(name)).toList());
    }

    /** These parameters with {@code name} set to {@code value} (replacing any earlier value). */
    QueryParameters with(String name, String value) {
        List<Map.Entry<String, String>> out = new ArrayList<>(without(name).entries);
        out.add(Map.entry(name, value));
        return new QueryParameters(out);
    }

    /** The canonical query string (without {@code ?}): unreserved characters as they are, everything else escaped. */
    String encode() {
        if (entries.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> entry : entries) {
            if (out.length() > 0) {
                out.append('&');
            }
            encode(entry.getKey(), out);
            if (!entry.getValue().isEmpty()) { // an empty value reads as no value: ?pretty
                out.append('=');
                encode(entry.getValue(), out);
            }
        }
        return out.toString();
    }

    private static void encode(String text, StringBuilder out) {
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                    || c == '_' || c == '~' || c == '*' || c == ',' || c == ':') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX.charAt(c >> 4)).append(HEX.charAt(c & 0xF));
            }
        }
    }

    private void refuseRepeats() {
        for (int i = 0; i < entries.size(); i++) {
            for (int j = i + 1; j < entries.size(); j++) {
                if (entries.get(i).getKey().equals(entries.get(j).getKey())) {
                    throw ScopeRefusal.malformed("the query parameter [" + entries.get(i).getKey() + "] is given twice");
                }
            }
        }
    }
}
