/**
 * The network edge: a terminal connection's Netty pipeline, in protocol phases (docs/protocol.md sections 1-3).
 *
 * <ol>
 *   <li>{@link io.emcomm.router.net.RouterChannelInitializer} builds it: TLS and its failure log
 *       ({@link io.emcomm.router.net.TlsHandshakeFailureHandler}), the idle timer, then</li>
 *   <li>{@link io.emcomm.router.net.AdmissionHandler}: the connection limit; removes itself once admitted;</li>
 *   <li>framing ({@code protocol.frame.FrameDecoder});</li>
 *   <li>{@link io.emcomm.router.net.HelloHandler}: handshake timeout, HELLO checks, authentication, login and
 *       takeover, WELCOME; replaces itself with</li>
 *   <li>{@link io.emcomm.router.net.SessionHandler}: the logged-in traffic (PUBLISH to the sequencer, DELIVERY_ACK
 *       to the feed, {@link io.emcomm.router.net.SubscriptionRequests}, replay, heartbeats), the end of each read
 *       batch, teardown.</li>
 * </ol>
 *
 * <p>{@link io.emcomm.router.net.IntakeGovernor} keeps precedence under overload (docs/delivery.md): each event
 * loop's {@link io.emcomm.router.net.LoopLagProbe} measures how late the loop runs, and a logged-in connection's
 * {@link io.emcomm.router.net.IntakeGate} pauses its reading (autoRead off) while the loops lag, if it publishes
 * only ROUTINE/PRIORITY.
 *
 * <p>The frame loop, the control-frame encoder and the closer are shared with peer links and live below in
 * {@code conn}; a HELLO of kind ROUTER is handed to {@code link} (docs/protocol.md section 14).
 *
 * <p>Threads: everything here runs on the connection's event loop. Handlers are per connection unless marked
 * {@code @Sharable}.
 *
 * <p>May import: config, counters, journal, terminal, address, security, delivery, session, route, sequence,
 * receipt, replay, conn, link (every router package below it), protocol and Netty. Imported only by admin and the root
 * package.
 */
package io.emcomm.router.net;
