/**
 * The Kafka journal's parts (issue 15 Deliver 1 and 3; design in CLUSTER.md), each usable and tested on its own
 * before the router plugs them in: the record format ({@link io.emcomm.kafka.journal.JournalRecord}), the append
 * side with its two precedence lanes ({@link io.emcomm.kafka.journal.JournalProducer}), the apply loop
 * ({@link io.emcomm.kafka.journal.JournalApplier}) with dedupe decided at apply time
 * ({@link io.emcomm.kafka.journal.ApplyDedupe}), and the node's offset-indexed local copy
 * ({@link io.emcomm.kafka.journal.OffsetMirror}). Threads: offers on the publishers' event loops, completions on
 * the producers' I/O threads, everything else on the apply thread; readers on their own thread each.
 *
 * <p>How the router plugs them in (the Sequencer's synchronous append becomes produce → apply → ack):
 * <ul>
 *   <li>publish (event loop): the checks as today, then a pending publish (session, sequence) under a per-node
 *       token, then {@code JournalProducer.offer}; BUSY is nacked at once; QUEUED answers nothing yet. A
 *       {@code Completion.failed} nacks JOURNAL_UNAVAILABLE with Kafka's error on the session's loop;
 *       {@code committed} only feeds the produce-latency metric.</li>
 *   <li>apply (the one apply thread, in offset order): {@code ApplyDedupe.decide}; a first occurrence is mirrored
 *       and routed (the Sequencer's {@code route} around the record's envelope bytes); a record this node produced
 *       ({@code JournalRecord.producedBy}) completes its pending publish by token: ack at the offset, ack as a
 *       duplicate at the first occurrence's offset, or nack STALE_SEQUENCE. The apply thread replaces the publish
 *       lock: journal order is apply order is routing order, and the catch-up/live seam synchronises with it.</li>
 *   <li>reads: {@code Journal.newReader()} is {@code OffsetMirror.newReader()}; {@code lastIndex()} is the applied
 *       offset (a new terminal's first cursor), not Kafka's end offset.</li>
 * </ul>
 * May import: the router's journal package (JournalReader, JournalEntry, DedupeWindows), the protocol, Kafka's
 * clients, Chronicle Queue; never io.emcomm.kafka (the cluster tooling), so the two stay separable.
 */
package io.emcomm.kafka.journal;
