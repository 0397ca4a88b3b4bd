package io.emcomm.bench.sut;

import io.emcomm.bench.load.Payload;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A harness connection to the {@link BaselineForwarder}, windowed like the EmComm driver. */
final class BaselineClient extends FramedConnection
{
    private static final int PUBLISH_BODY = BaselineForwarder.PAYLOAD_OFFSET - Frames.HEADER_BYTES + Payload.SIZE;

    private final ClientSpec spec;
    private final BaselineSystem system;
    private final long[] stamps;
    private final int stampMask;
    private final AtomicLong ackedSequence = new AtomicLong();
    private long nextSequence;
    private Destination lastDestination;
    private int lastGroup;
    private volatile CompletableFuture<Void> pendingSubscribe;

    private BaselineClient(final BaselineSystem system, final ClientSpec spec)
    {
        this.system = system;
        this.spec = spec;
        final int size = Integer.highestOneBit(Math.max(2, spec.maxInFlight()) * 2 - 1) * 2;
        this.stamps = new long[size];
        this.stampMask = size - 1;
    }

    static BaselineClient connect(final BaselineSystem system, final int port, final ClientSpec spec) throws Exception
    {
        final BaselineClient client = new BaselineClient(system, spec);
        client.connect(port);
        if (spec.inbox())
        {
            client.join(system.group(Destination.terminal(spec.id())));
        }
        if (spec.commandPost())
        {
            client.join(system.commandPostGroup(spec.region()));
        }
        return client;
    }

    @Override
    protected void onConnected(final ChannelHandlerContext ctx)
    {
        final ByteBuf hello = ctx.alloc().ioBuffer(Frames.HEADER_BYTES);
        Frames.writeHeader(hello, FrameType.HELLO, 0);
        ctx.writeAndFlush(hello, ctx.voidPromise());
    }

    @Override
    public void subscribe(final String channelName) throws Exception
    {
        join(system.group(Destination.channel(channelName)));
    }

    private void join(final int group) throws Exception
    {
        final CompletableFuture<Void> acked = new CompletableFuture<>();
        pendingSubscribe = acked;
        final ByteBuf subscribe = channel.alloc().ioBuffer(Frames.HEADER_BYTES + 4);
        Frames.writeHeader(subscribe, FrameType.SUBSCRIBE, 4);
        subscribe.writeInt(group);
        sendNow(subscribe);
        acked.get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean publish(final Destination to, final long stampNanos, final boolean flash)
    {
        final long sequence = nextSequence + 1;
        if (sequence - ackedSequence.get() > spec.maxInFlight() || !writable())
        {
            return false;
        }
        if (to != lastDestination)
        {
            lastGroup = system.group(to);
            lastDestination = to;
        }
        final ByteBuf out = out(Frames.HEADER_BYTES + PUBLISH_BODY);
        Frames.writeHeader(out, FrameType.PUBLISH, PUBLISH_BODY);
        out.writeInt(lastGroup);
        out.writeLong(sequence);
        // Acknowledged always, as EmComm acknowledges every publish: the same work for the same window.
        out.writeByte(BaselineForwarder.FLAG_WANT_ACK);
        Payload.write(out, stampNanos, flash);
        stamps[(int)(sequence & stampMask)] = stampNanos;
        nextSequence = sequence;
        return true;
    }

    @Override
    protected void onFrame(final ByteBuf frame, final int type)
    {
        final int base = frame.readerIndex() - Frames.LENGTH_FIELD_BYTES; // offsets below count the length field
        switch (type)
        {
            case FrameType.PUBLISH_VALUE:
            {
                final int at = base + BaselineForwarder.PAYLOAD_OFFSET;
                spec.listener().onMessage(Payload.stamp(frame, at), Payload.isFlash(frame, at));
                break;
            }
            case FrameType.PUBLISH_ACK_VALUE:
            {
                final long sequence = frame.getLong(base + Frames.HEADER_BYTES);
                spec.ackListener().onMessage(stamps[(int)(sequence & stampMask)], false);
                if (sequence > ackedSequence.get())
                {
                    ackedSequence.lazySet(sequence);
                }
                break;
            }
            case FrameType.WELCOME_VALUE:
                ready.complete(null);
                break;
            case FrameType.SUBSCRIPTION_ACK_VALUE:
            {
                final CompletableFuture<Void> pending = pendingSubscribe;
                if (pending != null)
                {
                    pending.complete(null);
                }
                break;
            }
            default:
                break;
        }
    }
}
