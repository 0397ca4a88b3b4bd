package io.emcomm.bench.soak;

/**
 * One progress sample of a soak run.
 *
 * @param elapsedSeconds  since the load started.
 * @param inPerSecond     publishes the harness sent to the router per second in the interval.
 * @param outPerSecond    deliveries the harness received per second in the interval.
 * @param p99Micros       99th percentile delivery latency of the interval (0 when nothing arrived).
 * @param maxMicros       worst delivery latency of the interval.
 * @param heapAfterGcBytes router heap used after a full GC (asked of the child).
 * @param rssBytes        router resident set size.
 * @param openFds         router open file descriptors.
 * @param leakLines       LEAK: lines seen in the router log so far.
 */
record Sample(double elapsedSeconds, double inPerSecond, double outPerSecond, long p99Micros, long maxMicros,
    long heapAfterGcBytes, long rssBytes, long openFds, long leakLines)
{
    static final String CSV_HEADER = "elapsed_s,in_per_s,out_per_s,p99_us,max_us,heap_after_gc_bytes,rss_bytes,open_fds,leak_lines";

    String csv()
    {
        return String.format(java.util.Locale.ROOT, "%.1f,%.1f,%.1f,%d,%d,%d,%d,%d,%d", elapsedSeconds, inPerSecond,
            outPerSecond, p99Micros, maxMicros, heapAfterGcBytes, rssBytes, openFds, leakLines);
    }
}
