package io.logstokengateway.proxy;

import io.logstokengateway.limits.BodyBudget;
import io.logstokengateway.limits.LimitExceeded;
import io.logstokengateway.scope.IndexCatalog;
import io.logstokengateway.scope.LineRule;
import io.logstokengateway.scope.LineRule.LineVerdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.vertx.core.buffer.Buffer;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.Callable;
import java.util.Locale;

/**
 * An NDJSON request body ({@code _bulk}, {@code _msearch}) checked line by line as it streams through: the lines the
 * {@link LineRule} reads are gathered (up to {@code limits.max-checked-line}, counted in the body budget) and checked,
 * then what the rule returns is sent on; the lines it does not read (bulk documents) are sent on as they arrive, unheld.
 * A body sent compressed ({@code gzip}, {@code deflate}) is decoded as it arrives, within
 * {@code limits.max-decompression-ratio}, and sent on decoded. A bound reached ({@code max-checked-line}, the ratio,
 * the body budget) throws {@link LimitExceeded} out of whichever call met it.
 *
 * <p>It is driven by {@link #feed} and {@link #end}, and reports through its {@link Sink}: what to send, when the body
 * is refused (or answered without the upstream), when a line needs a catalog read after the request arrived, and when
 * a large line is to be checked off the event loop; then it holds everything until {@link #resume} with that catalog,
 * or {@link #checked} with that verdict.
 */
final class LineStream {

    /** Where the stream's results go. */
    interface Sink {
        /** Bytes to send upstream, in order. */
        void send(Buffer bytes);

        /** The body is refused or answered: send no more, and answer the client so. */
        void stop(LineVerdict refusal);

        /**
         * A line must be checked again on a catalog read after the request arrived: call {@link #resume} with it,
         * later (never from within this call: the stream is not done with the line yet).
         */
        void needCatalog();

        /** A large line: run its check off the event loop, then call {@link #checked} with the verdict, later. */
        void checkApart(Callable<LineVerdict> check);

        /** Every line is checked and sent: end the upstream request. */
        void ended();
    }

    private final LineRule rule;
    private final Sink sink;
    private final BodyBudget.Hold hold;
    private final int maxLine;
    private final EmbeddedChannel decoder;
    private final long maxRatio;
    private long encodedBytes;
    private long decodedBytes;

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private boolean inLine;
    private boolean checkedLine;
    private boolean stopped;
    /** While a line waits for a catalog: whether it had its newline, what arrived after it, whether the body ended. */
    private boolean suspended;
    /** Whether the rule decides on a catalog read after the request arrived (then it never asks for another). */
    private boolean onCurrentCatalog;
    private boolean suspendedTerminated;
    private Buffer rest;
    private boolean endPending;

    LineStream(LineRule rule, Sink sink, BodyBudget.Hold hold, int maxLine, String contentEncoding, int maxRatio) {
        this.rule = rule;
        this.sink = sink;
        this.hold = hold;
        this.maxLine = maxLine;
        this.maxRatio = maxRatio;
        this.decoder = decoderFor(contentEncoding);
    }

    /** Whether the body's encoding is one this stream can read. */
    static boolean readable(String contentEncoding) {
        return contentEncoding == null || switch (contentEncoding.trim().toLowerCase(Locale.ROOT)) {
            case "", "identity", "gzip", "x-gzip", "deflate" -> true;
            default -> false;
        };
    }

    /** A piece of the body, as it arrived. */
    void feed(Buffer chunk) {
        if (stopped) {
            return;
        }
        Buffer decoded = decode(chunk);
        if (decoded == null) {
            return;
        }
        if (suspended) {
            rest.appendBuffer(decoded);
            return;
        }
        process(decoded, 0);
    }

    /** The body ended. */
    void end() {
        if (stopped) {
            return;
        }
        if (suspended) {
            endPending = true;
            return;
        }
        finish();
    }

    /** The catalog a line asked for: that line is checked again on it, then what arrived meanwhile is processed. */
    void resume(IndexCatalog catalog) {
        if (stopped) {
            return;
        }
        rule.useCurrentCatalog(catalog);
        onCurrentCatalog = true;
        suspended = false;
        if (checkGathered(suspendedTerminated)) {
            lineDone();
        }
    }

    /** The verdict on a line checked apart ({@link Sink#checkApart}): applied, then what arrived meanwhile is processed. */
    void checked(LineVerdict verdict) {
        if (stopped) {
            return;
        }
        suspended = false;
        if (apply(verdict, suspendedTerminated)) {
            lineDone();
        }
    }

    /** The suspended line is through: on with what arrived while it waited, or the end of the body. */
    private void lineDone() {
        if (!suspendedTerminated) {
            lastLineChecked(); // it was the body's last line
            return;
        }
        Buffer arrived = rest;
        rest = null;
        process(arrived, 0);
        if (!stopped && !suspended && endPending) {
            finish();
        }
    }

    private void process(Buffer input, int from) {
        int length = input.length();
        while (from < length && !stopped) {
            if (!inLine) {
                inLine = true;
                checkedLine = rule.nextLineChecked();
            }
            int newline = indexOf(input, from, length);
            if (!checkedLine) {
                int through = newline < 0 ? length : newline + 1;
                sink.send(input.slice(from, through));
                if (newline >= 0) {
                    rule.passed();
                    inLine = false;
                }
                from = through;
                continue;
            }
            if (!gather(input, from, newline < 0 ? length : newline) || newline < 0) {
                return;
            }
            from = newline + 1;
            if (!checkGathered(true)) {
                if (suspended) {
                    rest.appendBuffer(input.slice(from, length));
                }
                return;
            }
        }
    }

    /**
     * Checks the gathered line, here when it is small, apart when it is large; false when the stream stopped or waits
     * (for that check, or for a catalog), the line kept meanwhile.
     */
    private boolean checkGathered(boolean terminated) {
        byte[] bytes = line.toByteArray();
        if (bytes.length > ProxyServices.INLINE_CHECK_BYTES) {
            suspend(terminated);
            sink.checkApart(() -> rule.check(bytes, terminated));
            return false;
        }
        return apply(rule.check(bytes, terminated), terminated);
    }

    private boolean apply(LineVerdict verdict, boolean terminated) {
        if (verdict instanceof LineVerdict.ReadCatalogAgain && onCurrentCatalog) {
            stop(new LineVerdict.Deny(403, "the request body could not be checked")); // a defect: the rule had its catalog
            return false;
        }
        if (verdict instanceof LineVerdict.ReadCatalogAgain) {
            suspend(terminated);
            sink.needCatalog();
            return false;
        }
        hold.shrink(line.size());
        line.reset();
        inLine = false;
        if (verdict instanceof LineVerdict.Forward forward) {
            if (forward.bytes().length > 0) {
                sink.send(Buffer.buffer(forward.bytes()));
            }
            return true;
        }
        stop(verdict);
        return false;
    }

    private void suspend(boolean terminated) {
        suspended = true;
        suspendedTerminated = terminated;
        if (rest == null) {
            rest = Buffer.buffer();
        }
    }

    private boolean gather(Buffer input, int from, int to) {
        int count = to - from;
        if (line.size() + count > maxLine) {
            throw new LimitExceeded("max-checked-line", 413, null,
                    "a line of the request body the gateway must check may not exceed " + maxLine + " bytes");
        }
        hold.grow(count); // LimitExceeded goes to the caller, which stops the stream
        line.write(input.getBytes(from, to), 0, count);
        return true;
    }

    private void finish() {
        if (inLine && checkedLine) {
            if (!checkGathered(false)) { // the last line, without its newline
                return;
            }
        } else if (inLine) {
            rule.passed(); // a last document without its newline
        }
        lastLineChecked();
    }

    private void lastLineChecked() {
        LineVerdict verdict = rule.end();
        if (verdict instanceof LineVerdict.Forward forward) {
            if (forward.bytes().length > 0) {
                sink.send(Buffer.buffer(forward.bytes()));
            }
            stopped = true;
            closeDecoder();
            sink.ended();
        } else {
            stop(verdict);
        }
    }

    /** Stops the stream for good (a refusal, an answer, or the client gone): nothing more is sent. */
    void stop(LineVerdict verdict) {
        if (stopped) {
            return;
        }
        stopped = true;
        closeDecoder();
        if (verdict != null) {
            sink.stop(verdict);
        }
    }

    private static int indexOf(Buffer input, int from, int to) {
        for (int i = from; i < to; i++) {
            if (input.getByte(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The decoded bytes of this piece (the piece itself when plain), or null when the stream was stopped. */
    private Buffer decode(Buffer chunk) {
        if (decoder == null) {
            return chunk;
        }
        encodedBytes += chunk.length();
        Buffer out = Buffer.buffer();
        try {
            decoder.writeInbound(Unpooled.wrappedBuffer(chunk.getBytes()));
            for (ByteBuf piece = decoder.readInbound(); piece != null; piece = decoder.readInbound()) {
                try {
                    decodedBytes += piece.readableBytes();
                    out.appendBytes(ByteBufUtil.getBytes(piece));
                } finally {
                    piece.release();
                }
                if (decodedBytes > encodedBytes * maxRatio + RATIO_ALLOWANCE) {
                    throw new LimitExceeded("max-decompression-ratio", 413, null,
                            "the compressed request body expands more than " + maxRatio + " times");
                }
            }
        } catch (LimitExceeded reached) {
            throw reached;
        } catch (RuntimeException undecodable) {
            stop(new LineVerdict.Deny(400, "the request body is not valid compressed content"));
            return null;
        }
        return out;
    }

    /** Small bodies compress badly: the ratio applies beyond this many decoded bytes. */
    private static final int RATIO_ALLOWANCE = 64 * 1024;

    private static EmbeddedChannel decoderFor(String contentEncoding) {
        String encoding = contentEncoding == null ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        return switch (encoding) {
            case "gzip", "x-gzip" -> new EmbeddedChannel(ZlibCodecFactory.newZlibDecoder(ZlibWrapper.GZIP));
            case "deflate" -> new EmbeddedChannel(ZlibCodecFactory.newZlibDecoder(ZlibWrapper.ZLIB_OR_NONE));
            default -> null;
        };
    }

    private void closeDecoder() {
        if (decoder != null) {
            decoder.finishAndReleaseAll();
        }
    }

}
