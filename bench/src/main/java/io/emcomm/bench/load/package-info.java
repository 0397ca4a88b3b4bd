/**
 * The load generator: open-loop senders at a fixed rate, payloads that carry their send time, latency sinks on
 * HdrHistogram, and rate search. Sender and receiver threads per client. Imports nothing of the other bench packages.
 */
package io.emcomm.bench.load;
