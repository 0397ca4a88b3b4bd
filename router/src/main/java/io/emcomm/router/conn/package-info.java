/**
 * What every protocol phase of a connection shares, whether it serves a terminal ({@code net}) or a peer link between
 * routers ({@code link}, docs/protocol.md section 14): {@link io.emcomm.router.conn.FrameHandler}, the frame loop of a
 * read batch (each frame handled and released, replies flushed once at the batch's end, errors kept inside the
 * connection); {@link io.emcomm.router.conn.ControlFrames}, the one encoder of every control frame the router sends;
 * {@link io.emcomm.router.conn.ConnectionCloser}, how a connection ends after a fatal ERROR; and
 * {@link io.emcomm.router.conn.DeliveryAcks} with its {@link io.emcomm.router.conn.DeliveryAckReader}, a DELIVERY_ACK
 * read in place and applied to a feed.
 *
 * <p>Threads: the connection's event loop, except {@code ControlFrames.goingAway} and
 * {@code ConnectionCloser.closeNow}, which Netty hands to it.
 *
 * <p>May import: config, counters, journal, terminal, address, security, delivery, session, route, sequence, receipt,
 * replay (the router packages below it), protocol and Netty. Imported by link, net, admin and the root package.
 */
package io.emcomm.router.conn;
