/**
 * A router node on the site's Kafka journal (issue 15 Deliver 1): the router's {@code JournalBackend} SPI
 * implemented with the parts of {@link io.emcomm.kafka.journal} — the producers the router offers admitted
 * publishes to ({@link io.emcomm.kafka.node.KafkaLog}), the apply loop that hands every record to the router's
 * sequencer in offset order ({@link io.emcomm.kafka.node.NodeApply}), and the offset-indexed mirror the router reads
 * as its journal ({@link io.emcomm.kafka.node.MirrorJournal}), and its cursor store on the terminals topic
 * ({@link io.emcomm.kafka.node.NodeTerminals}, over {@link io.emcomm.kafka.terminals}: every node serves every
 * terminal, Deliver 2); {@link io.emcomm.kafka.node.KafkaJournalBackend}
 * opens and closes them, {@link io.emcomm.kafka.node.KafkaJournalProvider} is what the router's ServiceLoader finds.
 * May import the router, {@link io.emcomm.kafka} (topics), {@link io.emcomm.kafka.journal} and
 * {@link io.emcomm.kafka.terminals}; nothing imports it.
 */
package io.emcomm.kafka.node;
