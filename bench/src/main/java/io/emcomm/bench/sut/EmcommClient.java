package io.emcomm.bench.sut;

import io.emcomm.bench.load.MessageListener;
import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.bench.load.Payload;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lean EmComm driver: speaks the wire protocol with the protocol module directly (no client library),
 * writes each PUBLISH envelope by hand and finds the payload in a DELIVERY by scanning, so the harness
 * spends as little as it can per message. It acknowledges every delivery, as the protocol requires.
 *
 * <p>Publishing is windowed: at most {@code maxInFlight} publishes may be unacknowledged, after which
 * {@link #publish} reports back-pressure. The window also carries the intended send time of each
 * publish, so the persisted scenario can time publish-to-acknowledgement.
 */
final class EmcommClient extends FramedConnection
{
    private static final int FIELD_ORIGIN = 1;
    private static final int FIELD_SEQUENCE = 2;
    private static final int FIELD_TO = 3;
    private static final int FIELD_PRECEDENCE = 4;
    private static final int FIELD_CREATED = 5;
    private static final int FIELD_TEXT_BODY = 21;
    private static final int TEXT_FIELD = 1;
    private static final int TEXT_SIZE = ProtoScan.bytesFieldSize(TEXT_FIELD, Payload.SIZE);
    private static final int BODY_SIZE = ProtoScan.bytesFieldSize(FIELD_TEXT_BODY, TEXT_SIZE);

    private final ClientSpec spec;
    private final byte[] origin;
    private final long[] stamps;
    private final int stampMask;
    private final Map<Destination, byte[]> addresses = new HashMap<>();
    private final AtomicLong ackedSequence = new AtomicLong();
    private final AtomicLong nacks = new AtomicLong();
    private Destination lastDestination;
    private byte[] lastAddress;
    private long nextSequence;
    /** Times publish() pushed back, by reason (sender thread only; printed on close with -Demcomm.bench.debug). */
    private long windowFull;
    private long unwritable;
    private volatile CompletableFuture<Boolean> pendingSubscribe;
    private volatile CompletableFuture<Long> pendingReplay;
    private volatile String lastError;

    private EmcommClient(final ClientSpec spec)
    {
        this.spec = spec;
        this.origin = spec.id().getBytes(StandardCharsets.UTF_8);
        final int size = Integer.highestOneBit(Math.max(2, spec.maxInFlight()) * 2 - 1) * 2;
        this.stamps = new long[size];
        this.stampMask = size - 1;
    }

    static EmcommClient connect(final int port, final ClientSpec spec) throws Exception
    {
        final EmcommClient client = new EmcommClient(spec);
        client.connect(port);
        return client;
    }

    @Override
    protected void onConnected(final ChannelHandlerContext ctx)
    {
        final Hello hello = Hello.newBuilder()
            .setProtocolVersion(Frames.PROTOCOL_VERSION)
            .setTerminalId(spec.id())
            .setKind(spec.commandPost() ? TerminalKind.COMMAND_POST : TerminalKind.GROUND)
            .setRegionCode(spec.region())
            .setClientName("emcomm-bench")
            .build();
        ctx.writeAndFlush(Frames.encode(ctx.alloc(), FrameType.HELLO, hello), ctx.voidPromise());
    }

    @Override
    public void subscribe(final String channelName) throws Exception
    {
        final CompletableFuture<Boolean> acked = new CompletableFuture<>();
        pendingSubscribe = acked;
        final Subscribe subscribe = Subscribe.newBuilder().setRequestId(1).addAddresses("channel:" + channelName).build();
        sendNow(Frames.encode(channel.alloc(), FrameType.SUBSCRIBE, subscribe));
        if (!acked.get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
        {
            throw new IllegalStateException("subscription to " + channelName + " refused: " + lastError);
        }
    }

    /** Asks the router to replay what {@code originId} published; returns the count once REPLAY_END arrives. */
    CompletableFuture<Long> replay(final String originId)
    {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        pendingReplay = done;
        final ReplayRequest request = ReplayRequest.newBuilder().setRequestId(1).setOrigin(originId).build();
        sendNow(Frames.encode(channel.alloc(), FrameType.REPLAY_REQUEST, request));
        return done;
    }

    @Override
    public boolean publish(final Destination to, final long stampNanos, final boolean flash)
    {
        final long sequence = nextSequence + 1;
        if (sequence - ackedSequence.get() > spec.maxInFlight())
        {
            windowFull++;
            return false;
        }
        if (!writable())
        {
            unwritable++;
            return false;
        }
        final byte[] address = address(to);
        final int precedence = flash ? Precedence.FLASH_VALUE : Precedence.ROUTINE_VALUE;
        final long createdMicros = System.currentTimeMillis() * 1000L;
        final int envelopeSize = ProtoScan.bytesFieldSize(FIELD_ORIGIN, origin.length)
            + ProtoScan.varintFieldSize(FIELD_SEQUENCE, sequence)
            + ProtoScan.bytesFieldSize(FIELD_TO, address.length)
            + ProtoScan.varintFieldSize(FIELD_PRECEDENCE, precedence)
            + ProtoScan.varintFieldSize(FIELD_CREATED, createdMicros)
            + BODY_SIZE;
        final ByteBuf out = out(Frames.HEADER_BYTES + envelopeSize);
        Frames.writeHeader(out, FrameType.PUBLISH, envelopeSize);
        ProtoScan.writeBytesField(out, FIELD_ORIGIN, origin);
        ProtoScan.writeVarintField(out, FIELD_SEQUENCE, sequence);
        ProtoScan.writeBytesField(out, FIELD_TO, address);
        ProtoScan.writeVarintField(out, FIELD_PRECEDENCE, precedence);
        ProtoScan.writeVarintField(out, FIELD_CREATED, createdMicros);
        ProtoScan.writeTag(out, FIELD_TEXT_BODY, ProtoScan.WIRE_LEN);
        ProtoScan.writeVarint(out, TEXT_SIZE);
        ProtoScan.writeTag(out, TEXT_FIELD, ProtoScan.WIRE_LEN);
        ProtoScan.writeVarint(out, Payload.SIZE);
        Payload.write(out, stampNanos, flash);
        stamps[(int)(sequence & stampMask)] = stampNanos;
        nextSequence = sequence;
        return true;
    }

    private byte[] address(final Destination to)
    {
        if (to == lastDestination)
        {
            return lastAddress;
        }
        byte[] address = addresses.get(to);
        if (address == null)
        {
            final String text = switch (to.kind())
            {
                case CHANNEL -> "channel:" + to.name();
                case TERMINAL -> "terminal:" + to.name();
                case UP -> "up:" + to.name();
            };
            address = text.getBytes(StandardCharsets.UTF_8);
            addresses.put(to, address);
        }
        lastDestination = to;
        lastAddress = address;
        return address;
    }

    @Override
    protected void onFrame(final ByteBuf frame, final int type)
    {
        final int payload = frame.readerIndex() + Frames.TYPE_BYTES;
        final int length = frame.readableBytes() - Frames.TYPE_BYTES;
        switch (type)
        {
            case FrameType.DELIVERY_VALUE:
            {
                final long index = ProtoScan.findVarint(frame, payload, length, 1);
                deliver(frame, payload, length, spec.listener());
                final int ackSize = ProtoScan.varintFieldSize(1, index);
                final ByteBuf out = out(Frames.HEADER_BYTES + ackSize);
                Frames.writeHeader(out, FrameType.DELIVERY_ACK, ackSize);
                ProtoScan.writeVarintField(out, 1, index);
                break;
            }
            case FrameType.REPLAY_ITEM_VALUE:
                deliver(frame, payload, length, spec.listener());
                break;
            case FrameType.PUBLISH_ACK_VALUE:
            {
                final long sequence = ProtoScan.findVarint(frame, payload, length, 2);
                if (sequence > 0)
                {
                    spec.ackListener().onMessage(stamps[(int)(sequence & stampMask)], false);
                    if (sequence > ackedSequence.get())
                    {
                        ackedSequence.lazySet(sequence);
                    }
                }
                break;
            }
            case FrameType.PUBLISH_NACK_VALUE:
                onNack(frame, payload, length);
                break;
            case FrameType.WELCOME_VALUE:
                onWelcome(frame, payload, length);
                break;
            case FrameType.SUBSCRIPTION_ACK_VALUE:
                onSubscriptionAck(frame, payload, length);
                break;
            case FrameType.REPLAY_END_VALUE:
            {
                final CompletableFuture<Long> replay = pendingReplay;
                if (replay != null)
                {
                    replay.complete(Math.max(0, ProtoScan.findVarint(frame, payload, length, 2)));
                }
                break;
            }
            case FrameType.HEARTBEAT_VALUE:
            {
                final ByteBuf out = out(Frames.HEADER_BYTES);
                Frames.writeHeader(out, FrameType.HEARTBEAT, 0);
                break;
            }
            case FrameType.ERROR_VALUE:
            case FrameType.GOING_AWAY_VALUE:
                onError(frame, payload, length);
                break;
            default:
                break;
        }
    }

    private static void deliver(final ByteBuf frame, final int payload, final int length, final MessageListener listener)
    {
        final long envelope = ProtoScan.findBytes(frame, payload, length, 2);
        if (envelope == ProtoScan.NOT_FOUND)
        {
            return;
        }
        final long body = ProtoScan.findBytes(frame, ProtoScan.start(envelope), ProtoScan.length(envelope), FIELD_TEXT_BODY);
        if (body == ProtoScan.NOT_FOUND)
        {
            return;
        }
        final long text = ProtoScan.findBytes(frame, ProtoScan.start(body), ProtoScan.length(body), TEXT_FIELD);
        if (text == ProtoScan.NOT_FOUND || ProtoScan.length(text) < Payload.STAMP_BYTES + 1)
        {
            return;
        }
        final int at = ProtoScan.start(text);
        listener.onMessage(Payload.stamp(frame, at), Payload.isFlash(frame, at));
    }

    private void onWelcome(final ByteBuf frame, final int payload, final int length)
    {
        try
        {
            final Welcome welcome = Welcome.parseFrom(frame.nioBuffer(payload, length));
            nextSequence = welcome.getLastOriginSequence();
            ackedSequence.set(nextSequence);
            ready.complete(null);
        }
        catch (final InvalidProtocolBufferException ex)
        {
            ready.completeExceptionally(ex);
        }
    }

    private void onSubscriptionAck(final ByteBuf frame, final int payload, final int length)
    {
        final CompletableFuture<Boolean> pending = pendingSubscribe;
        try
        {
            final SubscriptionAck ack = SubscriptionAck.parseFrom(frame.nioBuffer(payload, length));
            if (!ack.getOk())
            {
                lastError = ack.getDetail();
            }
            if (pending != null)
            {
                pending.complete(ack.getOk());
            }
        }
        catch (final InvalidProtocolBufferException ex)
        {
            if (pending != null)
            {
                pending.completeExceptionally(ex);
            }
        }
    }

    private void onNack(final ByteBuf frame, final int payload, final int length)
    {
        if (nacks.getAndIncrement() == 0)
        {
            try
            {
                final PublishNack nack = PublishNack.parseFrom(frame.nioBuffer(payload, length));
                System.err.println("emcomm: " + spec.id() + " publish refused: " + nack.getReason() + " " + nack.getDetail());
            }
            catch (final InvalidProtocolBufferException ignore)
            {
                System.err.println("emcomm: " + spec.id() + " publish refused (unreadable NACK)");
            }
        }
    }

    private void onError(final ByteBuf frame, final int payload, final int length)
    {
        String text;
        try
        {
            final Error error = Error.parseFrom(frame.nioBuffer(payload, length));
            text = error.getCode() + " " + error.getMessage();
        }
        catch (final InvalidProtocolBufferException ex)
        {
            text = "unreadable ERROR frame";
        }
        lastError = text;
        if (!ready.isDone())
        {
            ready.completeExceptionally(new IllegalStateException("router refused " + spec.id() + ": " + text));
        }
        else
        {
            System.err.println("emcomm: " + spec.id() + ": " + text);
        }
    }

    @Override
    public void close()
    {
        if (Boolean.getBoolean("emcomm.bench.debug") && nextSequence > 0)
        {
            System.err.printf("emcomm client %s: published %,d, acked %,d, window full %,d, unwritable %,d, nacks %,d%n",
                spec.id(), nextSequence, ackedSequence.get(), windowFull, unwritable, nacks.get());
        }
        super.close();
    }
}
