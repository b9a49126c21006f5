package io.logstokengateway.proxy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccessLogTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<String> written = new CopyOnWriteArrayList<>();

    @Test
    void linesAreWrittenInOrderOffTheCallersThread() throws Exception {
        List<String> threads = new CopyOnWriteArrayList<>();
        AccessLog log = new AccessLog(100, meters, line -> {
            threads.add(Thread.currentThread().getName());
            written.add(line);
        });
        IntStream.range(0, 50).forEach(i -> log.offer("line " + i));
        log.stop();
        assertEquals(IntStream.range(0, 50).mapToObj(i -> "line " + i).toList(), written);
        assertTrue(threads.stream().allMatch("gateway-access-log"::equals), threads.toString());
        assertEquals(0, dropped());
    }

    @Test
    void aLogThatCannotKeepUpDropsAndCountsLinesInsteadOfWaiting() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch writing = new CountDownLatch(1);
        AccessLog log = new AccessLog(10, meters, line -> {
            writing.countDown();
            await(stuck); // a terminal or disk that does not take the line
            written.add(line);
        });
        log.offer("first");
        assertTrue(writing.await(5, TimeUnit.SECONDS));
        long start = System.nanoTime();
        IntStream.range(0, 1000).forEach(i -> log.offer("line " + i));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(tookMillis < 1000, "offering waited " + tookMillis + " ms");
        assertEquals(990, dropped(), "ten lines fit in the queue, the rest are dropped and counted");
        stuck.countDown();
        log.stop();
        assertEquals(11, written.size());
        assertEquals("line 9", written.get(10));
    }

    private double dropped() {
        return meters.counter("gateway.access.log.dropped").count();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
