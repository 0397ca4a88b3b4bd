package io.emcomm.client;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.ByteBuf;

/**
 * The high-rate publish path to a fixed list of destinations (in the manner of Aeron's {@code Publication.offer} and
 * nats.java's asynchronous publish): each offer encodes one PUBLISH frame straight into the client's outbound buffer
 * from the caller's body bytes (the client stamps origin, origin sequence and creation time) and returns at once.
 * Nothing is allocated per message, back-pressure is a negative return value, never an exception, and the outcome
 * of each offer is told to the {@link PublishListener} registered once with
 * {@link ClientOptions.Builder#publishListener}.
 *
 * <h2>Batching and flushing</h2>
 * Offers are written without a flush: call {@link #flush()} when the burst ends (Netty's explicit flush; one syscall
 * for the burst). The client also writes out a batch whenever its 16 KiB buffer fills, and offers made inside a
 * {@link DeliveryHandler} (on the network thread, e.g. a responder's replies) at the end of the read batch. A publish that is never
 * flushed is not sent (until a reconnect resends it); {@link EmcommClient#publish} flushes each publish itself.
 *
 * <h2>The window and at-least-once</h2>
 * At most {@link ClientOptions#maxPendingPublishes()} publishes may wait for their PUBLISH_ACK, counted from the
 * oldest unanswered; beyond that an offer returns {@link #BACK_PRESSURED}. While disconnected, offers are still
 * accepted into the window; after every WELCOME the client sends each unanswered publish again, in sequence order
 * with its sequence, and the router acknowledges a duplicate with its original journal index (protocol.md §4.3).
 * Publishes made here and with {@link EmcommClient#publish} share one sequence and one window.
 *
 * <h2>Threads</h2>
 * Thread-safe: offers from several threads are numbered and written in one order (under the client's publish lock,
 * which the network thread takes only at a WELCOME; acknowledgements are matched without it).
 */
public interface Publisher
{
    /**
     * The window of unanswered publishes is full: retry after some are acknowledged. Never retry in a loop on the
     * network thread (inside a {@link DeliveryHandler}): the acknowledgements that would open the window are read by
     * that same thread, so the loop would never end; drop, count or queue the reply and return instead.
     */
    long BACK_PRESSURED = -2;
    /** The connection's outbound buffer is above Netty's high-water mark: retry after a while. */
    long NOT_WRITABLE = -3;
    /** The session has ended; nothing more can be published. */
    long CLOSED = -4;
    /** The frame would be longer than the router's {@code max_frame_bytes} (protocol.md §1); never accepted. */
    long TOO_LARGE = -5;

    /**
     * Publishes a {@code Text} body whose UTF-8 text is [offset, offset + length) of {@code utf8} (copied; the
     * buffer's indexes are not moved).
     *
     * @return the publish's origin sequence (positive), or {@link #BACK_PRESSURED}, {@link #NOT_WRITABLE},
     * {@link #CLOSED} or {@link #TOO_LARGE}
     */
    long offerText(Precedence precedence, ByteBuf utf8, int offset, int length);

    /** {@link #offerText(Precedence, ByteBuf, int, int)} from an array. */
    long offerText(Precedence precedence, byte[] utf8, int offset, int length);

    /**
     * Publishes a body given encoded: [offset, offset + length) of {@code encodedBody} is the protobuf encoding of
     * the body message {@code body} names (a {@code PositionReport}, {@code Alert}, ...), copied as it is.
     *
     * @return as {@link #offerText(Precedence, ByteBuf, int, int)}
     * @throws IllegalArgumentException when {@code body} is {@code BODY_NOT_SET}
     */
    long offer(Precedence precedence, Envelope.BodyCase body, ByteBuf encodedBody, int offset, int length);

    /** Writes out every publish offered but not yet flushed, on this client's connection, in one flush. */
    void flush();
}
