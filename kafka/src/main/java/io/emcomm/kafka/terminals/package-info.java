/**
 * Terminal state in the cluster (issue 15, Deliver 2; /work/shared/CLUSTER.md, "emcomm.terminals"):
 * {@link io.emcomm.kafka.terminals.KafkaCursorStore} keeps every terminal's cursor, out-of-order acknowledgements
 * and channel subscriptions in the compacted terminals topic, fenced by claim epochs, so that a terminal may
 * reconnect to any router node and resume from its cursor. Every node reads the whole topic into a view
 * ({@link io.emcomm.kafka.terminals.TerminalsView}) on one reader thread. Imports {@code io.emcomm.kafka} (the
 * topics and their check) and the router's {@code terminal} package; nothing imports this package but the router's
 * wiring.
 */
package io.emcomm.kafka.terminals;
