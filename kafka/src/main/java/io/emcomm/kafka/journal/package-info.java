/**
 * The Kafka journal's parts (issue 15 Deliver 1 and 3; design in CLUSTER.md), each usable and tested on its own
 * before the router plugs them in: the record format ({@link io.emcomm.kafka.journal.JournalRecord}), the append
 * side with its two precedence lanes ({@link io.emcomm.kafka.journal.JournalProducer}), the apply loop
 * ({@link io.emcomm.kafka.journal.JournalApplier}) with dedupe decided at apply time
 * ({@link io.emcomm.kafka.journal.ApplyDedupe}), and the node's offset-indexed local copy
 * ({@link io.emcomm.kafka.journal.OffsetMirror}). Threads: offers on the publishers' event loops, completions on
 * the producers' I/O threads, everything else on the apply thread; readers on their own thread each.
 * May import: the router's journal package (Journal, JournalReader, JournalEntry, DedupeWindows), the protocol,
 * Kafka's clients, Chronicle Queue; never io.emcomm.kafka (the cluster tooling), so the two stay separable.
 */
package io.emcomm.kafka.journal;
