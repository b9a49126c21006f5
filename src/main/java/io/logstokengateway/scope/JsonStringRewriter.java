package io.logstokengateway.scope;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * Rewrites, in a JSON document read chunk by chunk, the string values found at given paths, and passes every other
 * byte through as it came: the answer streams, and nothing is held but the value being rewritten. A path is a list
 * of object keys, with {@code *} for any array element ({@code ["responses", "*", "pit_id"]}). Once every path
 * without {@code *} has been rewritten (each can occur once), the rest passes through unread.
 *
 * <p>The document is the upstream's own answer, so this reads well-formed JSON; it only tracks structure (braces,
 * brackets, colons, commas, strings), keys of the depths the paths reach, and the values it rewrites.
 */
final class JsonStringRewriter implements ResponseRule.Transform {

    private enum Text { NONE, KEY, TARGET, OTHER }

    private final List<List<String>> paths;
    private final BiFunction<List<String>, String, String> replace;
    private final int maxValueBytes;
    private final int keyedDepth;
    private int singlesLeft;

    /** One flag per open container: object or array; and the key or {@code *} that led into it. */
    private boolean[] isObject = new boolean[16];
    private String[] ledBy = new String[16];
    private int depth;
    private boolean expectKey;
    private String lastKey;

    private Text text = Text.NONE;
    private boolean escaped;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private List<String> targetPath;

    /**
     * @param replace       given the path and the decoded value, the value to write instead
     * @param maxValueBytes longest value rewritten; a longer one fails the answer rather than being held
     */
    JsonStringRewriter(List<List<String>> paths, BiFunction<List<String>, String, String> replace, int maxValueBytes) {
        this.paths = List.copyOf(paths);
        this.replace = replace;
        this.maxValueBytes = maxValueBytes;
        this.keyedDepth = paths.stream().mapToInt(List::size).max().orElse(0);
        this.singlesLeft = (int) paths.stream().filter(path -> !path.contains("*")).count();
    }

    @Override
    public byte[] chunk(byte[] in) {
        if (singlesLeft == 0 && paths.stream().noneMatch(path -> path.contains("*"))) {
            return in;
        }
        ByteArrayOutputStream out = null;
        // the start of the input not written yet; -1 while a value to rewrite is being captured
        int pending = text == Text.TARGET ? -1 : 0;
        for (int i = 0; i < in.length; i++) {
            byte b = in[i];
            if (text == Text.TARGET && !escaped && b == '"') {
                out = out == null ? new ByteArrayOutputStream(in.length + 64) : out;
                writeReplacement(out);
                text = Text.NONE;
                pending = i + 1;
            } else if (text != Text.NONE) {
                readText(b);
            } else if (b == '"') {
                if (startString()) {
                    out = out == null ? new ByteArrayOutputStream(in.length + 64) : out;
                    out.write(in, pending, i - pending);
                    pending = -1;
                }
            } else {
                structure(b);
            }
        }
        if (out == null) {
            return pending == 0 ? in : new byte[0];
        }
        if (pending >= 0) {
            out.write(in, pending, in.length - pending);
        }
        return out.toByteArray();
    }

    private void structure(byte b) {
        switch (b) {
            case '{' -> open(true);
            case '[' -> open(false);
            case '}', ']' -> depth--;
            case ',' -> expectKey = depth > 0 && isObject[depth - 1];
            default -> {
            }
        }
    }

    @Override
    public byte[] end() {
        if (text == Text.TARGET) {
            throw new IllegalStateException("the answer ended inside a value to rewrite");
        }
        return new byte[0];
    }

    private void open(boolean object) {
        if (depth == isObject.length) {
            isObject = Arrays.copyOf(isObject, depth * 2);
            ledBy = Arrays.copyOf(ledBy, depth * 2);
        }
        boolean inObject = depth > 0 && isObject[depth - 1];
        ledBy[depth] = depth == 0 ? null : inObject ? lastKey : "*";
        isObject[depth++] = object;
        expectKey = object;
    }

    /** At an opening quote: a key, a value to rewrite, or another string. True when the value must be captured. */
    private boolean startString() {
        escaped = false;
        captured.reset();
        boolean inObject = depth > 0 && isObject[depth - 1];
        if (inObject && expectKey) {
            text = Text.KEY;
            expectKey = false;
            return false;
        }
        targetPath = depth <= keyedDepth ? matchingPath(inObject ? lastKey : "*") : null;
        text = targetPath == null ? Text.OTHER : Text.TARGET;
        return text == Text.TARGET;
    }

    private List<String> matchingPath(String last) {
        for (List<String> path : paths) {
            if (path.size() == depth && matchesAt(path, last)) {
                return path;
            }
        }
        return null;
    }

    private boolean matchesAt(List<String> path, String last) {
        for (int level = 1; level < depth; level++) {
            if (!path.get(level - 1).equals(ledBy[level])) {
                return false;
            }
        }
        return path.get(depth - 1).equals(last);
    }

    private void readText(byte b) {
        if (escaped) {
            escaped = false;
        } else if (b == '\\') {
            escaped = true;
        } else if (b == '"') {
            if (text == Text.KEY) {
                lastKey = captured.size() <= 64 ? captured.toString(StandardCharsets.UTF_8) : null;
            }
            text = Text.NONE;
            return;
        }
        if (text == Text.KEY && depth <= keyedDepth && captured.size() <= 64) {
            captured.write(b);
        } else if (text == Text.TARGET) {
            if (captured.size() >= maxValueBytes) {
                throw new IllegalStateException("a value to rewrite exceeds " + maxValueBytes + " bytes");
            }
            captured.write(b);
        }
    }

    private void writeReplacement(ByteArrayOutputStream out) {
        String value = JsonText.unescape(captured.toString(StandardCharsets.UTF_8));
        byte[] replaced = JsonText.quote(replace.apply(targetPath, value)).getBytes(StandardCharsets.UTF_8);
        out.write(replaced, 0, replaced.length);
        if (!targetPath.contains("*")) {
            singlesLeft--;
        }
    }
}
