package io.emcomm.bench.sut;

/**
 * Memory of a server process at one instant.
 *
 * @param rssBytes       resident set size from /proc, or -1 when unknown.
 * @param heapUsedBytes  Java heap used after a full GC, or -1 for a non-JVM server.
 */
public record Footprint(long rssBytes, long heapUsedBytes)
{
}
