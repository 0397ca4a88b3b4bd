package io.emcomm.client;

import io.emcomm.protocol.wire.DeliveryAck;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.protocol.wire.TerminalKind;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lock-free inbound path ({@link DeliveryDispatch} with a {@link ReplayBook}) and the frames the
 * {@link RouterProxy} writes, on an {@link EmbeddedChannel}; listeners run inline.
 */
@Timeout(10)
class DeliveryDispatchTest
{
    private static final java.net.InetSocketAddress ROUTER = java.net.InetSocketAddress.createUnresolved("127.0.0.1", 7400);

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final List<Delivery> delivered = new ArrayList<>();
    private final ReplayBook replays = new ReplayBook();
    private final DeliveryView view = new DeliveryView();

    @AfterEach
    void close()
    {
        channel.finishAndReleaseAll();
    }

    private DeliveryDispatch dispatch(final ClientOptions.Builder options)
    {
        return new DeliveryDispatch(options.build(), new Dispatcher(new DirectExecutor()), replays);
    }

    private static ClientOptions.Builder options()
    {
        return ClientOptions.builder().terminal("cp-5201", TerminalKind.COMMAND_POST, "5201");
    }

    private static io.emcomm.protocol.wire.Delivery item(final long replayRequestId, final long index)
    {
        return io.emcomm.protocol.wire.Delivery.newBuilder().setReplayRequestId(replayRequestId).setJournalIndex(index)
            .setEnvelope(Message.text("item " + index).to("up:5201").toEnvelope("uav-1", index, 1L)).build();
    }

    /** A REPLAY_ITEM as the network thread hands it over: its payload's bytes in a buffer. */
    private void replayItem(final DeliveryDispatch deliveries, final io.emcomm.protocol.wire.Delivery item)
        throws InvalidProtocolBufferException
    {
        final ByteBuf payload = Unpooled.wrappedBuffer(item.toByteArray());
        deliveries.onReplayItem(channel, payload, payload.readerIndex(), payload.readableBytes(), view);
    }

    @Test
    void replayItemsAndTheEndReachTheirCallAndAnErrorAnswersTheOldestReplay() throws Exception
    {
        final DeliveryDispatch deliveries = dispatch(options());
        final ReplayCall older = new ReplayCall(null);
        final ReplayCall streamed = new ReplayCall(delivered::add);
        final ReplayCall newer = new ReplayCall(null);
        replays.add(4, older);
        replays.add(5, streamed);
        replays.add(6, newer);

        replayItem(deliveries, item(5, 10));
        replayItem(deliveries, item(5, 11));
        replayItem(deliveries, item(99, 12)); // no such replay: dropped
        deliveries.onReplayEnd(ReplayEnd.newBuilder().setRequestId(5).setCount(2).setLastIndex(11).build());
        assertEquals(List.of(10L, 11L), delivered.stream().map(Delivery::journalIndex).toList(), "streamed in order");
        final ReplayResult result = streamed.future.join();
        assertEquals(2, result.count());
        assertTrue(result.items().isEmpty(), "streamed, not collected");

        deliveries.onError(Error.newBuilder().setCode(ErrorCode.BAD_REPLAY_REQUEST).setMessage("from after to").build());
        assertEquals("from after to", assertThrows(CompletionException.class, older.future::join).getCause().getMessage());
        assertFalse(newer.future.isDone(), "only the oldest");
        assertEquals(List.of(newer), replays.drain());
    }

    @Test
    void anInPlaceReplayCallReadsItsItemsThroughTheViewAndEndsAtOnceWithoutAnAck() throws Exception
    {
        final DeliveryDispatch deliveries = dispatch(options());
        deliveries.welcomed(new RouterProxy(channel, ROUTER));
        final List<String> seen = new ArrayList<>();
        final ReplayCall call = ReplayCall.inPlace(v -> seen.add(v.journalIndex() + " " + v.origin() + " "
            + v.buffer().toString(v.textOffset(), v.textLength(), java.nio.charset.StandardCharsets.UTF_8)));
        replays.add(7, call);

        replayItem(deliveries, item(7, 30));
        replayItem(deliveries, item(8, 31)); // another request: not this call's
        replayItem(deliveries, item(7, 32));
        assertFalse(call.future.isDone(), "open until REPLAY_END");
        deliveries.onReplayEnd(ReplayEnd.newBuilder().setRequestId(7).setCount(2).setLastIndex(32).build());

        assertEquals(List.of("30 uav-1 item 30", "32 uav-1 item 32"), seen);
        assertEquals(32, call.future.join().lastIndex());
        assertEquals(List.of(), OutboundFrames.drain(channel), "replay items are never acknowledged");
    }

    @Test
    void withoutAListenerADeliveryIsAcknowledgedAtOnceAndWithAutoAckOffNotAtAll() throws Exception
    {
        final DeliveryDispatch auto = dispatch(options());
        auto.welcomed(new RouterProxy(channel, ROUTER));
        auto.onDelivery(channel, item(0, 21));
        assertEquals(21, OutboundFrames.single(channel).parse(DeliveryAck::parseFrom).getJournalIndex());

        final DeliveryDispatch manual = dispatch(options().autoAck(false).deliveryListener(delivered::add));
        manual.welcomed(new RouterProxy(channel, ROUTER));
        manual.onDelivery(channel, item(0, 22));
        assertEquals(1, delivered.size());
        assertEquals(List.of(), OutboundFrames.drain(channel), "the application acknowledges");
        manual.ack(22, true);
        assertEquals(22, OutboundFrames.single(channel).parse(DeliveryAck::parseFrom).getJournalIndex());

        manual.end();
        manual.onDelivery(channel, item(0, 23));
        manual.ack(23, true);
        assertEquals(1, delivered.size(), "nothing reaches the listener after the end");
        assertEquals(List.of(), OutboundFrames.drain(channel));
    }

    @Test
    void theProxySaysHelloWithTheTerminalsIdentityAndStampsHeartbeats() throws Exception
    {
        final RouterProxy proxy = new RouterProxy(channel, ROUTER);
        proxy.hello(options().linkProfile("beidou").credential("t0ken").clientName("console/2").build());
        final Hello hello = OutboundFrames.single(channel).parse(Hello::parseFrom);
        assertEquals("cp-5201", hello.getTerminalId());
        assertEquals(TerminalKind.COMMAND_POST, hello.getKind());
        assertEquals("5201", hello.getRegionCode());
        assertEquals("beidou", hello.getLinkProfile());
        assertEquals("t0ken", hello.getCredential());
        assertEquals("console/2", hello.getClientName());
        assertEquals(1, hello.getProtocolVersion());

        proxy.heartbeat(ManualClock.START_EPOCH_MICROS);
        assertEquals(ManualClock.START_EPOCH_MICROS, OutboundFrames.single(channel).parse(Heartbeat::parseFrom).getSentAtMicros());
    }
}
