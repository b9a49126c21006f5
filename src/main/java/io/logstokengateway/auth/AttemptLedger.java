package io.logstokengateway.auth;

import java.time.Duration;
import java.time.Instant;

/**
 * Where the {@link GuessThrottle} keeps its counts: for each key (a client address, a username), a debt of failed
 * attempts that time pays back steadily. An attempt costs {@code cost}; it is admitted while the debt it leaves stays
 * within {@code allowance} (the throttle's window), so at most {@code allowance / cost} attempts pass in any window.
 * <p>
 * Each call is atomic for its key: two attempts charged at once never both take the last place. {@link #charge} and
 * {@link #refund} may block on the registry database: call them from a worker thread; {@link #wait} and {@link #size}
 * answer from memory, on event loops too. {@link MemoryAttemptLedger} keeps one node's counts; nodes sharing a
 * PostgreSQL registry share theirs through it ({@link SharedAttemptLedger}); {@link AttemptLedgers} picks one.
 */
public interface AttemptLedger {

    /**
     * Charges {@code cost} to {@code key} if its debt then stays within {@code allowance}: answers {@link Duration#ZERO}
     * when charged, otherwise how long until it would be (and charges nothing).
     */
    Duration charge(String key, Duration cost, Duration allowance, Instant now);

    /** Takes {@code cost} back off the key's debt: the attempt it paid for succeeded, or was never made. */
    void refund(String key, Duration cost, Instant now);

    /** How long until {@code cost} could be charged to {@code key}; zero if it could be now. Charges nothing. */
    Duration wait(String key, Duration cost, Duration allowance, Instant now);

    /** Keys currently in debt, for the metrics. */
    long size();
}
