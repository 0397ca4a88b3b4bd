package io.emcomm.bench.sut;

import io.emcomm.bench.load.Payload;
import io.emcomm.client.ClientOptions;
import io.emcomm.client.DeliveryHandler;
import io.emcomm.client.DeliveryView;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.PublishListener;
import io.emcomm.client.Publisher;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.TerminalKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * EmComm driven through the public Java client ({@link io.emcomm.client}), as an integrator would drive it and as
 * the harness drives NATS through jnats: a {@link Publisher} per destination (offers encoded straight into the
 * client's outbound buffer, back-pressure as a return value, one flush per burst), outcomes to a
 * {@link PublishListener}, deliveries to a {@link DeliveryHandler} reading the 256-byte text body in place, and
 * the client's automatic acknowledgements (one DELIVERY_ACK write per read batch).
 *
 * <p>The window is the client's ({@link ClientSpec#maxInFlight()} unacknowledged publishes); the intended send time
 * of each publish is kept by origin sequence so that the persisted scenario can time publish-to-acknowledgement.
 * The clients of the harness share the client library's network threads, one per core (as the harness's own
 * Netty loops, {@link ClientLoops}).
 */
final class EmcommDriver implements BenchClient, PublishListener, DeliveryHandler
{
    static final Duration HANDSHAKE_TIMEOUT = FramedConnection.HANDSHAKE_TIMEOUT;

    static
    {
        if (System.getProperty("emcomm.client.ioThreads") == null)
        {
            System.setProperty("emcomm.client.ioThreads", Integer.toString(Math.max(1, Runtime.getRuntime().availableProcessors())));
        }
    }

    private final ClientSpec spec;
    private final long[] stamps;
    private final int stampMask;
    private final ByteBuf payload = Unpooled.buffer(Payload.SIZE);
    private final Map<Destination, Publisher> publishers = new HashMap<>();
    private final AtomicLong failed = new AtomicLong();
    private EmcommClient client;
    private Destination lastDestination;
    private Publisher lastPublisher;
    /** The network thread deliveries arrive on; a responder's flush there is left to the end of the read batch. */
    private volatile Thread deliveryThread;
    /** Times publish() pushed back, by reason (sender thread only; printed on close with -Demcomm.bench.debug). */
    private long windowFull;
    private long unwritable;
    private long published;

    private EmcommDriver(final ClientSpec spec)
    {
        this.spec = spec;
        final int size = Integer.highestOneBit(Math.max(2, spec.maxInFlight()) * 2 - 1) * 2;
        this.stamps = new long[size];
        this.stampMask = size - 1;
    }

    static EmcommDriver connect(final int port, final ClientSpec spec)
    {
        final EmcommDriver driver = new EmcommDriver(spec);
        driver.client = EmcommClient.connect(ClientOptions.builder()
            .router("127.0.0.1", port)
            .terminal(spec.id(), spec.commandPost() ? TerminalKind.COMMAND_POST : TerminalKind.GROUND, spec.region())
            .clientName("emcomm-bench")
            .connectTimeout(HANDSHAKE_TIMEOUT)
            .maxPendingPublishes(spec.maxInFlight())
            .publishListener(driver)
            .deliveryHandler(driver)
            .build());
        return driver;
    }

    @Override
    public void subscribe(final String channelName) throws Exception
    {
        client.subscribe(channelName).get(HANDSHAKE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Replays what {@code originId} published through the client's in-place path ({@code replayInto}: the flyweight on
     * the network thread, as the live receive path); returns how many entries arrived once REPLAY_END came, at most
     * REPLAY_END's count.
     */
    long replay(final String originId, final Duration timeout) throws Exception
    {
        final AtomicLong items = new AtomicLong();
        try
        {
            // one writer (the network thread): an opaque add, no locked instruction per item; read after the future
            final long count = client.replayInto(ReplayRequest.newBuilder().setOrigin(originId).build(),
                    d -> items.setOpaque(items.getOpaque() + 1))
                .get(timeout.toMillis(), TimeUnit.MILLISECONDS).count();
            return Math.min(count, items.get());
        }
        catch (final java.util.concurrent.TimeoutException slow)
        {
            return items.get();
        }
    }

    @Override
    public boolean publish(final Destination to, final long stampNanos, final boolean flash)
    {
        payload.clear();
        Payload.write(payload, stampNanos, flash);
        final long sequence = publisher(to).offerText(flash ? Precedence.FLASH : Precedence.ROUTINE, payload, 0, Payload.SIZE);
        if (sequence < 0)
        {
            if (sequence == Publisher.BACK_PRESSURED)
            {
                windowFull++;
            }
            else
            {
                unwritable++;
            }
            return false;
        }
        // Not yet flushed, so its ack cannot be here before the stamp.
        stamps[(int)(sequence & stampMask)] = stampNanos;
        published++;
        return true;
    }

    private Publisher publisher(final Destination to)
    {
        if (to == lastDestination)
        {
            return lastPublisher;
        }
        Publisher publisher = publishers.get(to);
        if (publisher == null)
        {
            publisher = client.publisher(switch (to.kind())
            {
                case CHANNEL -> "channel:" + to.name();
                case TERMINAL -> "terminal:" + to.name();
                case UP -> "up:" + to.name();
            });
            publishers.put(to, publisher);
        }
        lastDestination = to;
        lastPublisher = publisher;
        return publisher;
    }

    @Override
    public void flush()
    {
        if (Thread.currentThread() == deliveryThread)
        {
            return; // a responder: the client flushes what it offered at the end of the read batch
        }
        client.flush();
    }

    @Override
    public void onAcknowledged(final long originSequence, final long journalIndex, final boolean duplicate)
    {
        spec.ackListener().onMessage(stamps[(int)(originSequence & stampMask)], false);
    }

    @Override
    public void onFailed(final long originSequence, final Exception cause)
    {
        if (failed.getAndIncrement() == 0)
        {
            System.err.println("emcomm: " + spec.id() + " publish " + originSequence + " failed: " + cause);
        }
    }

    @Override
    public void onDelivery(final DeliveryView delivery)
    {
        if (deliveryThread == null)
        {
            deliveryThread = Thread.currentThread();
        }
        final int at = delivery.textOffset();
        if (at >= 0 && delivery.textLength() >= Payload.STAMP_BYTES + 1)
        {
            final ByteBuf buffer = delivery.buffer();
            spec.listener().onMessage(Payload.stamp(buffer, at), Payload.isFlash(buffer, at));
        }
    }

    @Override
    public void close()
    {
        if (Boolean.getBoolean("emcomm.bench.debug") && published > 0)
        {
            System.err.printf("emcomm client %s: published %,d, window full %,d, unwritable %,d, failed %,d%n",
                spec.id(), published, windowFull, unwritable, failed.get());
        }
        if (client != null)
        {
            client.close();
        }
    }
}
