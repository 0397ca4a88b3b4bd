package io.emcomm.router.conn;

import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.router.delivery.DeliveryFeed;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Applies a DELIVERY_ACK frame to the feed it acknowledges (protocol.md section 7.3), read in place: acks come at the
 * message rate, so no parse objects. A {@code through_delivery_seq} acknowledges every DELIVERY of this connection
 * numbered up to it; with a {@code journal_index} too, both apply. Neither (both 0) is malformed. The same for a
 * terminal's session ({@code net.SessionHandler}) and a peer link ({@code link.PeerLinkHandler}, section 14.2).
 *
 * <p>One instance per connection; event loop of the connection.
 */
public final class DeliveryAcks
{
    private final DeliveryAckReader reader = new DeliveryAckReader();

    /**
     * Reads {@code frame} (positioned at its type byte) and applies it to {@code feed}; a problem is a non-fatal ERROR
     * through {@code handler}.
     *
     * @param who the terminal or peer router id, for the error messages
     */
    public void apply(final FrameHandler handler, final ChannelHandlerContext ctx, final ByteBuf frame,
        final DeliveryFeed feed, final String who)
    {
        final DeliveryAckReader ack = reader;
        final boolean parsed = ack.read(frame);
        final long index = ack.journalIndex();
        final long through = ack.throughDeliverySeq();
        if (!parsed)
        {
            handler.protocolError(ctx, ErrorCode.MALFORMED_FRAME, "DELIVERY_ACK does not parse", false);
            return;
        }
        if (index == 0 && through == 0)
        {
            handler.protocolError(ctx, ErrorCode.MALFORMED_FRAME,
                "DELIVERY_ACK carries neither a journal_index nor a through_delivery_seq", false);
            return;
        }
        // uint64 on the wire: a value of 2^63 or more reads as negative here and is above anything ever sent
        if (through != 0 && (through < 0 || !feed.onAckThrough(through)))
        {
            final long last = feed.lastDeliverySeq();
            handler.protocolError(ctx, ErrorCode.BAD_DELIVERY_ACK, through < 0 || through > last
                ? "through_delivery_seq " + Long.toUnsignedString(through) + " is above " + last + ", the last delivery_seq sent to "
                    + who + " on this connection"
                : "through_delivery_seq " + through + ": " + who
                    + " has a newer session, acks on this connection change nothing", false);
        }
        if (index != 0 && (index < 0 || !feed.onAck(index)))
        {
            handler.protocolError(ctx, ErrorCode.BAD_DELIVERY_ACK, "journal index " + Long.toUnsignedString(index) + " (0x"
                + Long.toHexString(index) + ") was never delivered to " + who, false);
        }
    }
}
