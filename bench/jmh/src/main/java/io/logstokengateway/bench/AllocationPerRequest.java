package io.logstokengateway.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bytes the JVM allocated per request during a load run, read from a JFR recording of the gateway that covers the run
 * ({@code jdk.ThreadAllocationStatistics}, each thread's running total of allocated bytes): for each thread, its last
 * total minus its first, summed, divided by the requests served. Threads started during the run count from zero.
 *
 * <pre>
 * AllocationPerRequest RECORDING.jfr REQUESTS
 * </pre>
 * Prints {@code RESULT <bytes per request> <total bytes>} and, per thread that allocated more than a byte a request,
 * {@code THREAD <name> <bytes per request>}.
 */
public final class AllocationPerRequest {

    private AllocationPerRequest() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: AllocationPerRequest RECORDING.jfr REQUESTS");
            System.exit(2);
        }
        long requests = Long.parseLong(args[1]);
        Map<String, long[]> firstAndLast = new TreeMap<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!event.getEventType().getName().equals("jdk.ThreadAllocationStatistics") || event.getThread("thread") == null) {
                continue;
            }
            long allocated = event.getLong("allocated");
            String thread = event.getThread("thread").getJavaName() + "#" + event.getThread("thread").getJavaThreadId();
            firstAndLast.merge(thread, new long[] {allocated, allocated},
                    (known, next) -> new long[] {Math.min(known[0], next[0]), Math.max(known[1], next[1])});
        }
        long total = 0;
        StringBuilder threads = new StringBuilder();
        for (Map.Entry<String, long[]> thread : firstAndLast.entrySet()) {
            long allocated = thread.getValue()[1] - thread.getValue()[0];
            total += allocated;
            if (allocated > requests) {
                threads.append(String.format(Locale.ROOT, "THREAD %s %d%n", thread.getKey().replace(' ', '_'), allocated / requests));
            }
        }
        System.out.printf(Locale.ROOT, "RESULT %d %d%n", total / Math.max(1, requests), total);
        System.out.print(threads);
    }
}
