package io.emcomm.bench.soak;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.util.ReferenceCountUtil;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One soak connection (a field terminal or a command post) speaking the wire protocol with the generated
 * protobuf classes: the soak's rate is a few hundred messages a second, so clarity beats the bench driver's
 * hand-written frames here. Every publish is remembered until it is acknowledged and, when its recipients
 * are known, until each of them has received it: what is left at the end is a lost delivery.
 */
final class SoakClient extends ChannelInboundHandlerAdapter
{
    /** One publish waiting for its acknowledgement and (when tracked) its deliveries. */
    static final class Pending
    {
        final boolean tracked;
        final AtomicInteger remaining;
        volatile boolean acked;

        Pending(final int expectedRecipients)
        {
            this.tracked = expectedRecipients >= 0;
            this.remaining = new AtomicInteger(Math.max(0, expectedRecipients));
        }

        boolean settled()
        {
            return acked && (!tracked || remaining.get() <= 0);
        }
    }

    final String id;
    final TerminalKind kind;
    final String region;
    private final Ledger ledger;
    private final Map<String, SoakClient> directory;
    final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private volatile CompletableFuture<Boolean> subscribed;
    private volatile Channel channel;
    private volatile boolean closedByUs;
    /** Scheduling state, touched by the load thread only. */
    long nextPositionNanos;
    long nextEventNanos;

    SoakClient(final String id, final TerminalKind kind, final String region, final Ledger ledger,
        final Map<String, SoakClient> directory)
    {
        this.id = id;
        this.kind = kind;
        this.region = region;
        this.ledger = ledger;
        this.directory = directory;
    }

    boolean commandPost()
    {
        return kind == TerminalKind.COMMAND_POST;
    }

    /** Starts connecting; the future completes on WELCOME. */
    CompletableFuture<Void> connect(final Bootstrap template, final int port)
    {
        template.clone().handler(new ChannelInitializer<Channel>()
        {
            @Override
            protected void initChannel(final Channel ch)
            {
                ch.pipeline().addLast(new FrameDecoder(Frames.DEFAULT_MAX_FRAME_BYTES), SoakClient.this);
            }
        }).connect("127.0.0.1", port).addListener(f ->
        {
            if (!f.isSuccess())
            {
                ready.completeExceptionally(f.cause());
            }
        });
        return ready;
    }

    CompletableFuture<Boolean> subscribe(final String address)
    {
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        subscribed = done;
        send(FrameType.SUBSCRIBE, Subscribe.newBuilder().setRequestId(1).addAddresses(address).build());
        return done;
    }

    /**
     * Publishes one envelope (origin and sequence are filled in here).
     *
     * @param expectedRecipients how many connected clients must receive it, or -1 when not checked.
     */
    void publish(final Envelope.Builder envelope, final int expectedRecipients)
    {
        final Channel ch = channel;
        if (ch == null || !ch.isActive())
        {
            return;
        }
        final long seq = sequence.incrementAndGet();
        final Envelope built = envelope.setOrigin(id).setOriginSequence(seq).setCreatedAtMicros(Ledger.nowMicros()).build();
        pending.put(seq, new Pending(expectedRecipients));
        ledger.published.increment();
        send(FrameType.PUBLISH, built);
    }

    private void send(final FrameType type, final com.google.protobuf.MessageLite message)
    {
        final Channel ch = channel;
        ch.writeAndFlush(Frames.encode(ch.alloc(), type, message), ch.voidPromise());
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        channel = ctx.channel();
        final Hello hello = Hello.newBuilder().setProtocolVersion(Frames.PROTOCOL_VERSION).setTerminalId(id)
            .setKind(kind).setRegionCode(region).setClientName("emcomm-soak").build();
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), FrameType.HELLO, hello), ctx.voidPromise());
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        try
        {
            onFrame(ctx, frame);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            ledger.errors.increment();
            System.err.println("soak: " + id + ": unreadable frame: " + ex.getMessage());
        }
        finally
        {
            ReferenceCountUtil.release(frame);
        }
    }

    private void onFrame(final ChannelHandlerContext ctx, final ByteBuf frame) throws InvalidProtocolBufferException
    {
        final FrameType type = Frames.typeOf(frame);
        final java.nio.ByteBuffer payload = frame.nioBuffer(frame.readerIndex() + Frames.TYPE_BYTES,
            frame.readableBytes() - Frames.TYPE_BYTES);
        if (type == null)
        {
            return;
        }
        switch (type)
        {
            case DELIVERY ->
            {
                final Delivery delivery = Delivery.parseFrom(payload);
                final Envelope envelope = delivery.getEnvelope();
                ledger.onDelivery(envelope.getCreatedAtMicros());
                final SoakClient origin = directory.get(envelope.getOrigin());
                if (origin != null)
                {
                    origin.onDelivered(envelope.getOriginSequence());
                }
                ctx.writeAndFlush(Frames.encode(ctx.alloc(), FrameType.DELIVERY_ACK,
                    DeliveryAck.newBuilder().setJournalIndex(delivery.getJournalIndex()).build()), ctx.voidPromise());
            }
            case PUBLISH_ACK ->
            {
                final PublishAck ack = PublishAck.parseFrom(payload);
                ledger.acked.increment();
                final Pending p = pending.get(ack.getOriginSequence());
                if (p != null)
                {
                    p.acked = true;
                    settle(ack.getOriginSequence(), p);
                }
            }
            case PUBLISH_NACK ->
            {
                if (ledger.nacked.sum() == 0)
                {
                    final PublishNack nack = PublishNack.parseFrom(payload);
                    System.err.println("soak: " + id + " publish refused: " + nack.getReason() + " " + nack.getDetail());
                }
                ledger.nacked.increment();
                // A nack carries no sequence we can rely on across versions: the publish stays unacked and is
                // reported as such at the end.
            }
            case WELCOME ->
            {
                sequence.set(Welcome.parseFrom(payload).getLastOriginSequence());
                ready.complete(null);
            }
            case SUBSCRIPTION_ACK ->
            {
                final CompletableFuture<Boolean> done = subscribed;
                if (done != null)
                {
                    done.complete(SubscriptionAck.parseFrom(payload).getOk());
                }
            }
            case HEARTBEAT -> ctx.writeAndFlush(Frames.encode(ctx.alloc(), FrameType.HEARTBEAT,
                io.emcomm.protocol.wire.Heartbeat.getDefaultInstance()), ctx.voidPromise());
            case ERROR ->
            {
                final Error error = Error.parseFrom(payload);
                ledger.errors.increment();
                System.err.println("soak: " + id + ": router error " + error.getCode() + " " + error.getMessage());
                ready.completeExceptionally(new IllegalStateException(id + ": " + error.getMessage()));
            }
            default ->
            {
            }
        }
    }

    private void onDelivered(final long seq)
    {
        final Pending p = pending.get(seq);
        if (p == null || !p.tracked)
        {
            return; // untracked (an alert to a region), or already settled
        }
        if (p.remaining.decrementAndGet() < 0)
        {
            ledger.unexpected.increment();
        }
        settle(seq, p);
    }

    private void settle(final long seq, final Pending p)
    {
        if (p.settled())
        {
            pending.remove(seq, p);
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        ready.completeExceptionally(new IllegalStateException(id + ": connection closed"));
        if (!closedByUs)
        {
            ledger.errors.increment();
            System.err.println("soak: " + id + ": router closed the connection");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ready.completeExceptionally(cause);
        ctx.close();
    }

    boolean connected()
    {
        final Channel ch = channel;
        return ch != null && ch.isActive();
    }

    void close()
    {
        closedByUs = true;
        final Channel ch = channel;
        if (ch != null)
        {
            ch.close().syncUninterruptibly();
        }
    }
}
