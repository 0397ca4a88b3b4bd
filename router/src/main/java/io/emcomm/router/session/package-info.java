/**
 * A logged-in terminal as the layers above delivery see it: {@link io.emcomm.router.session.Session} (identity,
 * connection, delivery feed, durable terminal state, and what its publishes are checked against,
 * {@link io.emcomm.router.session.PublishState}) and the batched PUBLISH_ACKs of a read batch
 * ({@link io.emcomm.router.session.AckBatch}). Sessions are made by the network layer at login and registered in
 * the routing table; the sequencer reads them on the publishing event loop, routing threads stamp them.
 *
 * <p>May import: config, counters, journal, terminal, address, security, delivery, protocol and Netty's channel
 * and buffer types. Never route, sequence, replay, net or above (links to them are written fully qualified).
 */
package io.emcomm.router.session;
