/**
 * Delivery: everything between a routed message and the bytes written to a terminal's connection
 * (docs/delivery.md; protocol.md section 7).
 *
 * <p>One {@link io.emcomm.router.delivery.DeliveryFeed} per session, in one of three states (catching up, live,
 * closed), made of parts with one role each: the {@link io.emcomm.router.delivery.CatchUpReader} (journal tailing,
 * the three passes urgent → PRIORITY → rest, the catch-up/live seam), the
 * {@link io.emcomm.router.delivery.Outbox} (precedence queues, in-flight limit, shaping, expiry, supersession)
 * writing to a {@link io.emcomm.router.delivery.DeliverySink} that the network layer implements
 * ({@link io.emcomm.router.delivery.ChannelSink} over a Netty channel), the
 * {@link io.emcomm.router.delivery.CursorCommitter} (acknowledgements to durable cursor moves), and the
 * {@link io.emcomm.router.delivery.FeedWatchdog} (FLASH deadlines, slow consumers). Byte budgets per session and
 * router-wide: {@link io.emcomm.router.delivery.SessionOutbound}, {@link io.emcomm.router.delivery.OutboundBudget}.
 * {@link io.emcomm.router.delivery.DeliveryFrames} encodes DELIVERY frames with the facts the outbox needs in front.
 *
 * <p>Threads: a feed runs on its session's event loop (the sink's) and owns its state there; publishing loops hand
 * it frames through a bounded lock-free queue ({@link io.emcomm.router.delivery.HandOffQueue}) and wake it once per
 * read batch ({@link io.emcomm.router.delivery.DrainBatch}). Per-terminal state shared with logins is guarded by
 * the {@link io.emcomm.router.terminal.TerminalState}'s monitor, taken on the feed's loop only. No per-message
 * allocation and no lock shared between a publishing loop and a subscribing loop on the path from hand-off to
 * write.
 *
 * <p>May import: config, counters, journal, terminal, address (and protocol, Netty buffers and channels). Nothing
 * above it (session, route, sequence, receipt, replay, net, admin, the root package): the session reaches it
 * through {@link io.emcomm.router.delivery.FeedOwner}, receipts through
 * {@link io.emcomm.router.delivery.DeliveryEvents}.
 */
package io.emcomm.router.delivery;
