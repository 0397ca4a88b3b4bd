/**
 * The journal: every accepted envelope appended to Chronicle Queue before it is acknowledged (docs/delivery.md,
 * "Durability"), readers for catch-up and replay, the dedupe windows that remember (origin, sequence) → index,
 * the disk guard, retention and the offline journal tools. Appends happen under the sequencer's publish lock on
 * the publishing event loop; readers belong to one thread each; retention runs on {@code emcomm-ops}.
 * May import: config, counters.
 */
package io.emcomm.router.journal;
