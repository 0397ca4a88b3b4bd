package io.emcomm.client;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.LatestPositionsRequest;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.Unsubscribe;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * The one place that encodes what a client sends to the router (a proxy in Aeron's sense: the router's commands
 * as method calls): HELLO, PUBLISH, SUBSCRIBE, UNSUBSCRIBE, DELIVERY_ACK, REPLAY_REQUEST, LATEST_POSITIONS_REQUEST
 * and HEARTBEAT (protocol.md §2, §4, §6 to §9), each a length-prefixed frame on one connection.
 *
 * <p>One proxy per connection; it also names that connection, so a late event from an earlier connection is
 * recognised as such. Any thread may call it (Netty queues writes from other threads onto the event loop); the
 * conductor calls the publish and subscribe methods under its lock so that the wire carries them in the order
 * they were numbered. Frames are written with the channel's allocator and released by Netty once written; a
 * write to a closed channel fails silently (the conductor sends everything unanswered again after the next
 * WELCOME).
 */
final class RouterProxy
{
    private final Channel channel;
    private final InetSocketAddress router;

    /**
     * @param channel the connection
     * @param router  the entry of {@link ClientOptions#routers()} it was dialled to, as given there
     */
    RouterProxy(final Channel channel, final InetSocketAddress router)
    {
        this.channel = channel;
        this.router = router;
    }

    /** The router this connection goes to: the entry of {@link ClientOptions#routers()} it was dialled to. */
    InetSocketAddress router()
    {
        return router;
    }

    /** The connection this proxy writes to. */
    Channel channel()
    {
        return channel;
    }

    /** HELLO (protocol.md §2), the first frame of every connection; flushed. */
    void hello(final ClientOptions options)
    {
        channel.writeAndFlush(Frames.encode(channel.alloc(), FrameType.HELLO, Hello.newBuilder()
            .setProtocolVersion(Frames.PROTOCOL_VERSION)
            .setTerminalId(options.terminalId())
            .setKind(options.kind())
            .setRegionCode(options.regionCode())
            .setClientName(options.clientName())
            .setLinkProfile(options.linkProfile())
            .setCredential(options.credential())
            .build()));
    }

    /** PUBLISH of a stamped envelope; {@code flush} false when more frames follow (a resend after WELCOME). */
    void publish(final Envelope envelope, final boolean flush)
    {
        write(Frames.encode(channel.alloc(), FrameType.PUBLISH, envelope), flush);
    }

    /** SUBSCRIBE of channel addresses ({@code channel:PATTERN}) under {@code requestId}. */
    void subscribe(final long requestId, final List<String> addresses, final boolean flush)
    {
        write(Frames.encode(channel.alloc(), FrameType.SUBSCRIBE,
            Subscribe.newBuilder().setRequestId(requestId).addAllAddresses(addresses).build()), flush);
    }

    /** UNSUBSCRIBE of channel addresses under {@code requestId}; flushed. */
    void unsubscribe(final long requestId, final List<String> addresses)
    {
        write(Frames.encode(channel.alloc(), FrameType.UNSUBSCRIBE,
            Unsubscribe.newBuilder().setRequestId(requestId).addAllAddresses(addresses).build()), true);
    }

    /**
     * DELIVERY_ACK of one journal index, on the void promise (nobody waits for an ack's write). {@code flush} false
     * batches a burst of acks into one syscall; the last of the burst flushes.
     */
    void deliveryAck(final long journalIndex, final boolean flush)
    {
        final var frame = Frames.encode(channel.alloc(), FrameType.DELIVERY_ACK,
            DeliveryAck.newBuilder().setJournalIndex(journalIndex).build());
        if (flush)
        {
            channel.writeAndFlush(frame, channel.voidPromise());
        }
        else
        {
            channel.write(frame, channel.voidPromise());
        }
    }

    /** REPLAY_REQUEST (protocol.md §8.1) with the client's request id in place of the caller's; flushed. */
    void replay(final long requestId, final ReplayRequest request)
    {
        write(Frames.encode(channel.alloc(), FrameType.REPLAY_REQUEST, request.toBuilder().setRequestId(requestId).build()), true);
    }

    /** LATEST_POSITIONS_REQUEST for a region's subtree; flushed. */
    void latestPositions(final long requestId, final String regionCode)
    {
        write(Frames.encode(channel.alloc(), FrameType.LATEST_POSITIONS_REQUEST,
            LatestPositionsRequest.newBuilder().setRequestId(requestId).setRegionCode(regionCode).build()), true);
    }

    /** HEARTBEAT stamped with the client's wall clock; flushed. */
    void heartbeat(final long sentAtMicros)
    {
        write(Frames.encode(channel.alloc(), FrameType.HEARTBEAT, Heartbeat.newBuilder().setSentAtMicros(sentAtMicros).build()), true);
    }

    /** Writes frames already encoded (a batch of PUBLISHes, or a resend) without a flush, on the void promise. */
    void write(final ByteBuf frames)
    {
        channel.write(frames, channel.voidPromise());
    }

    /** Writes frames already encoded and flushes, on the void promise. */
    void writeAndFlush(final ByteBuf frames)
    {
        channel.writeAndFlush(frames, channel.voidPromise());
    }

    /** False while the connection's outbound buffer is above Netty's high-water mark (back-pressure). */
    boolean isWritable()
    {
        return channel.isWritable();
    }

    /** Flushes frames written without a flush. */
    void flush()
    {
        channel.flush();
    }

    private void write(final Object frame, final boolean flush)
    {
        if (flush)
        {
            channel.writeAndFlush(frame);
        }
        else
        {
            channel.write(frame);
        }
    }
}
