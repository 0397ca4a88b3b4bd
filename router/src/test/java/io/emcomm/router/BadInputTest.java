package io.emcomm.router;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static io.emcomm.protocol.wire.TerminalKind.AIR;
import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 2, Bad input: every kind of bad input gets an answer naming the problem (an ERROR frame, or a
 * PUBLISH_NACK with its reason) and costs only the connection, or the message, that carried it.
 *
 * <p>Each test runs next to a bystander that logged in and had a message acknowledged before the bad input.
 * After each test ({@link #bystanderIsUnharmed}) the bystander still publishes and receives, a terminal
 * that logs in afterwards is served, the earlier message is still in a replay exactly once, and nothing
 * that was refused reached the journal. Netty's paranoid leak detector watches the whole class.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class BadInputTest
{
    /** Text of every envelope a test expects the router to refuse: none may ever show up in the journal. */
    private static final String REFUSED = "refused";

    @TempDir
    Path dir;

    private Router router;
    private int port;
    private TestTerminal bystander;
    private PublishAck earlier;
    private final List<TestTerminal> terminals = new ArrayList<>();

    @BeforeEach
    void startWithABystander() throws Exception
    {
        router = Router.start(Router.Context.loopback(dir));
        port = router.port();
        bystander = track(TestTerminal.login(port, "bystander", GROUND, "5201"));
        earlier = bystander.publish(bystander.text("before", Precedence.PRIORITY, "terminal:bystander").build());
        assertEquals(earlier.getJournalIndex(), bystander.awaitDelivery().getJournalIndex());
    }

    @AfterEach
    void bystanderIsUnharmed() throws Exception
    {
        try
        {
            final TestTerminal witness = track(TestTerminal.login(port, "witness", COMMAND_POST, "5203"));
            final PublishAck after = bystander.publish(
                bystander.text("after", Precedence.ROUTINE, "terminal:bystander", "terminal:witness").build());
            for (final TestTerminal t : List.of(bystander, witness))
            {
                final Delivery d = t.awaitDelivery();
                assertEquals("after", d.getEnvelope().getText().getText(), t.id() + " received something else first");
                assertEquals(after.getJournalIndex(), d.getJournalIndex());
            }
            int found = 0;
            for (final Delivery d : bystander.replay(ReplayRequest.newBuilder().setRequestId(42).build()))
            {
                final String text = d.getEnvelope().getText().getText();
                assertFalse(text.startsWith(REFUSED), "a refused message was journaled at index " + d.getJournalIndex() + ": " + text);
                if (d.getJournalIndex() == earlier.getJournalIndex())
                {
                    assertEquals("before", text);
                    found++;
                }
            }
            assertEquals(1, found, "the message acked before the bad input is in the replay exactly once");
        }
        finally
        {
            for (final TestTerminal t : terminals)
            {
                t.close();
            }
            router.close();
        }
    }

    // ------------------------------------------------------------------------------------------ framing

    @Test
    void lengthAboveTheMaximumIsRefusedOnThePrefixAlone() throws Exception
    {
        final TestTerminal t = login("big-1");
        // Only the four length bytes: an answer proves the router did not wait for (or buffer) a body.
        t.sendRaw(new byte[] {0, 1, 0, 1}); // 65537
        expectFatal(t, ErrorCode.FRAME_TOO_LARGE, "65537", "65536");
    }

    @Test
    void lengthOfAllOnesBeforeHelloIsTooLarge() throws Exception
    {
        final TestTerminal t = connect();
        t.sendRaw(new byte[] {(byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF});
        expectFatal(t, ErrorCode.FRAME_TOO_LARGE, "4294967295");
    }

    @Test
    void anHttpRequestIsNotAFrame() throws Exception
    {
        final TestTerminal t = connect();
        t.sendRaw("GET / HTTP/1.1\r\nHost: router\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // "GET " read as a length is 1195725856
        expectFatal(t, ErrorCode.FRAME_TOO_LARGE, "1195725856");
    }

    @Test
    void aFrameOfExactlyTheMaximumIsAccepted() throws Exception
    {
        final TestTerminal t = login("max-1");
        final int maxPayload = Frames.DEFAULT_MAX_FRAME_BYTES - Frames.TYPE_BYTES;
        final Envelope.Builder b = t.text("", Precedence.ROUTINE, "terminal:max-1");
        int pad = maxPayload - b.build().getSerializedSize() - 8;
        while (b.setText(Text.newBuilder().setText("x".repeat(pad))).build().getSerializedSize() < maxPayload)
        {
            pad++;
        }
        final Envelope max = b.build();
        assertEquals(maxPayload, max.getSerializedSize(), "test set-up: envelope fills the frame exactly");
        final PublishAck ack = t.publish(max);
        assertEquals(ack.getJournalIndex(), t.awaitDelivery().getJournalIndex());
    }

    @Test
    void zeroLengthFrameIsMalformed() throws Exception
    {
        final TestTerminal t = login("zero-1");
        t.sendRaw(new byte[] {0, 0, 0, 0});
        expectFatal(t, ErrorCode.MALFORMED_FRAME, "length 0");
    }

    @Test
    void unknownFrameTypeAfterHelloIsReportedAndTheSessionGoesOn() throws Exception
    {
        final TestTerminal t = login("odd-1");
        t.sendRaw(TestTerminal.frameBytes(200, new byte[] {1, 2, 3}));
        expectNonFatal(t, ErrorCode.MALFORMED_FRAME, "200");
        sessionGoesOn(t);
    }

    @Test
    void frameTypeZeroIsAnUnknownFrameType() throws Exception
    {
        final TestTerminal t = login("odd-0");
        t.sendRaw(TestTerminal.frameBytes(FrameType.FRAME_TYPE_UNSPECIFIED_VALUE, new byte[0]));
        expectNonFatal(t, ErrorCode.MALFORMED_FRAME, "0");
        sessionGoesOn(t);
    }

    @Test
    void aRouterToClientFrameFromAClientIsUnexpected() throws Exception
    {
        final TestTerminal t = login("odd-2");
        t.send(FrameType.WELCOME, Welcome.newBuilder().setRouterId("fake").build());
        expectNonFatal(t, ErrorCode.UNEXPECTED_FRAME, "WELCOME");
        sessionGoesOn(t);
    }

    @Test
    void aFrameTrickledOneByteAtATimeWorks() throws Exception
    {
        final TestTerminal t = connect();
        trickle(t, TestTerminal.frameBytes(FrameType.HELLO_VALUE, hello(1, "slow-1", GROUND, "520102").toByteArray()));
        final Welcome w = t.expectControl(FrameType.WELCOME, Welcome.parser());
        assertEquals(0, w.getLastOriginSequence());
        final Envelope e = envelope("slow-1", 1, "slow", "terminal:slow-1", "terminal:bystander");
        trickle(t, TestTerminal.frameBytes(FrameType.PUBLISH_VALUE, e.toByteArray()));
        final PublishAck ack = t.expectControl(FrameType.PUBLISH_ACK, PublishAck.parser());
        assertEquals(1, ack.getOriginSequence());
        assertEquals(ack.getJournalIndex(), t.awaitDelivery().getJournalIndex());
        final Delivery atBystander = bystander.awaitDelivery();
        assertEquals(e.toByteString(), atBystander.getEnvelope().toByteString());
    }

    @Test
    void aConnectionResetMidFrameCostsOnlyThatConnection() throws Exception
    {
        final TestTerminal beforeHello = connect();
        final byte[] hello = TestTerminal.frameBytes(FrameType.HELLO_VALUE, hello(1, "reset-0", AIR, "5201").toByteArray());
        beforeHello.sendRaw(Arrays.copyOf(hello, hello.length / 2));
        reset(beforeHello);

        final TestTerminal t = login("reset-1");
        final byte[] publish = TestTerminal.frameBytes(FrameType.PUBLISH_VALUE,
            envelope("reset-1", 1, REFUSED + ": half a frame", "terminal:bystander").toByteArray());
        t.sendRaw(Arrays.copyOf(publish, publish.length / 2));
        reset(t);
        awaitCondition(() -> router.routingTable().terminal("reset-1") == null, "the reset session is unregistered");

        // the half frame was never journaled, so the next login starts the sequence at 0 and replaces nothing
        final TestTerminal again = connect();
        final Welcome w = again.hello("reset-1", GROUND, "5201");
        assertFalse(w.getReplacedSession(), "the reset session was already gone");
        assertEquals(0, w.getLastOriginSequence(), "nothing of the half frame was journaled");
        sessionGoesOn(again);
    }

    // ------------------------------------------------------------------------------------------ handshake

    @Test
    void anyFrameBeforeHelloIsRefused() throws Exception
    {
        final Object[][] cases = {
            {FrameType.PUBLISH_VALUE, envelope("early", 1, REFUSED + ": before hello", "terminal:bystander").toByteArray(), "PUBLISH"},
            {FrameType.HEARTBEAT_VALUE, Heartbeat.newBuilder().setSentAtMicros(1).build().toByteArray(), "HEARTBEAT"},
            {FrameType.REPLAY_REQUEST_VALUE, ReplayRequest.newBuilder().setRequestId(1).build().toByteArray(), "REPLAY_REQUEST"},
            {200, new byte[] {9}, "200"},
        };
        for (final Object[] c : cases)
        {
            final TestTerminal t = connect();
            t.sendRaw(TestTerminal.frameBytes((Integer)c[0], (byte[])c[1]));
            expectFatal(t, ErrorCode.HELLO_REQUIRED, "HELLO", (String)c[2]);
        }
    }

    @Test
    void unknownProtocolVersionIsRefused() throws Exception
    {
        for (final int version : new int[] {0, 2, 99})
        {
            final TestTerminal t = connect();
            t.send(FrameType.HELLO, hello(version, "v-" + version, GROUND, "5201"));
            expectFatal(t, ErrorCode.UNSUPPORTED_VERSION, "version " + version);
        }
    }

    @Test
    void invalidTerminalIdIsRefused() throws Exception
    {
        for (final String id : new String[] {"", "has space", "a/b", "x".repeat(65), "终端"})
        {
            final TestTerminal t = connect();
            t.send(FrameType.HELLO, hello(1, id, GROUND, "5201"));
            expectFatal(t, ErrorCode.INVALID_TERMINAL_ID, "'" + id + "'");
        }
    }

    @Test
    void invalidRegionCodeIsRefused() throws Exception
    {
        for (final String region : new String[] {"5", "520", "52x1", "5201020010011", "５２"})
        {
            final TestTerminal t = connect();
            t.send(FrameType.HELLO, hello(1, "region-test", GROUND, region));
            expectFatal(t, ErrorCode.INVALID_REGION, "'" + region + "'");
        }
        final TestTerminal empty = connect();
        empty.send(FrameType.HELLO, hello(1, "region-test", GROUND, ""));
        expectFatal(empty, ErrorCode.INVALID_REGION, "empty");
    }

    @Test
    void unspecifiedOrUnknownKindIsRefused() throws Exception
    {
        final TestTerminal unspecified = connect();
        unspecified.send(FrameType.HELLO, hello(1, "kind-0", TerminalKind.TERMINAL_KIND_UNSPECIFIED, "5201"));
        expectFatal(unspecified, ErrorCode.INVALID_KIND, "kind");

        final TestTerminal unknown = connect();
        unknown.send(FrameType.HELLO, hello(1, "kind-9", AIR, "5201").toBuilder().setKindValue(9).build());
        expectFatal(unknown, ErrorCode.INVALID_KIND, "kind");
    }

    @Test
    void helloThatDoesNotParseIsRefused() throws Exception
    {
        final TestTerminal t = connect();
        // field 2 (terminal_id) announces 64 bytes but one follows
        t.sendRaw(TestTerminal.frameBytes(FrameType.HELLO_VALUE, new byte[] {0x08, 0x01, 0x12, 0x40, 'a'}));
        expectFatal(t, ErrorCode.MALFORMED_FRAME, "HELLO");
    }

    @Test
    void secondHelloOnASessionIsIgnored() throws Exception
    {
        final TestTerminal t = login("twice-1");
        t.send(FrameType.HELLO, hello(1, "someone-else", COMMAND_POST, "52"));
        expectNonFatal(t, ErrorCode.DUPLICATE_HELLO, "HELLO");
        sessionGoesOn(t); // still twice-1: it publishes as twice-1 and receives what is sent to twice-1
    }

    @Test
    void secondLoginWithTheSameIdReplacesTheFirst() throws Exception
    {
        final TestTerminal first = login("dup-1");
        first.publish(first.text("one", Precedence.ROUTINE, "terminal:bystander").build());
        first.publish(first.text("two", Precedence.ROUTINE, "terminal:bystander").build());
        bystander.awaitDelivery();
        bystander.awaitDelivery();

        final TestTerminal second = connect();
        final Welcome w = second.hello("dup-1", AIR, "520102");
        assertTrue(w.getReplacedSession(), "WELCOME.replaced_session");
        assertEquals(2, w.getLastOriginSequence(), "the new session continues the id's numbering");
        expectFatal(first, ErrorCode.SESSION_REPLACED, "dup-1");

        final PublishAck toDup = bystander.publish(bystander.text("for dup-1", Precedence.ROUTINE, "terminal:dup-1").build());
        assertEquals(toDup.getJournalIndex(), second.awaitDelivery().getJournalIndex(), "the new session receives the id's traffic");
        final PublishAck third = second.publish(envelope("dup-1", 3, "three", "terminal:bystander"));
        assertFalse(third.getDuplicate());
        assertEquals(third.getJournalIndex(), bystander.awaitDelivery().getJournalIndex());
    }

    // ------------------------------------------------------------------------------------------ publish

    @Test
    void garbageOrTruncatedEnvelopeIsNackedAndTheSessionGoesOn() throws Exception
    {
        final TestTerminal t = login("junk-1");
        final byte[] garbage = new byte[12];
        Arrays.fill(garbage, (byte)0xFF);
        assertNack(t, garbage, NackReason.MALFORMED_ENVELOPE, "truncated");

        final byte[] whole = envelope("junk-1", 1, REFUSED + ": truncated " + "y".repeat(100), "terminal:bystander").toByteArray();
        assertNack(t, Arrays.copyOf(whole, whole.length - 10), NackReason.MALFORMED_ENVELOPE, "past the end");
        sessionGoesOn(t);
    }

    @Test
    void randomPublishPayloadsEachGetOneAnswer() throws Exception
    {
        final long seed = System.nanoTime();
        final SplittableRandom random = new SplittableRandom(seed);
        final TestTerminal t = login("fuzz-1");
        final int rounds = 300;
        for (int i = 0; i < rounds; i++)
        {
            final byte[] payload = new byte[random.nextInt(0, 200)];
            random.nextBytes(payload);
            t.sendRaw(TestTerminal.frameBytes(FrameType.PUBLISH_VALUE, payload));
        }
        for (int i = 0; i < rounds; i++)
        {
            final TestTerminal.Frame f = t.nextControl();
            assertEquals(FrameType.PUBLISH_NACK, f.frameType(), "answer " + i + " (seed " + seed + ")");
        }
        sessionGoesOn(t);
    }

    @Test
    void unparseableAddressIsNackedNamingIt() throws Exception
    {
        final TestTerminal t = login("addr-1");
        final String[][] cases = {
            {"nowhere:x", "nowhere"},
            {"bystander", "bystander"},
            {"region:52x", "52x"},
            {"region:5201/boats", "boats"},
            {"region:5201/", "5201/"},
            {"up:5", "'5'"},
            {"channel:flood.*", "flood.*"},
            {"channel:a..b", "a..b"},
            {"terminal:has space", "has space"},
            {"", "empty"},
        };
        for (final String[] c : cases)
        {
            final PublishNack nack = t.publishExpectingNack(
                t.text(REFUSED + ": " + c[0], Precedence.ROUTINE, "terminal:bystander", c[0]).build());
            assertEquals(NackReason.BAD_ADDRESS, nack.getReason(), c[0] + ": " + nack);
            assertTrue(nack.getDetail().contains(c[1]), "detail '" + nack.getDetail() + "' names '" + c[1] + "'");
        }
        sessionGoesOn(t);
    }

    @Test
    void noDestinationIsNacked() throws Exception
    {
        final TestTerminal t = login("nodest-1");
        final PublishNack nack = t.publishExpectingNack(t.text(REFUSED + ": nowhere", Precedence.FLASH).build());
        assertEquals(NackReason.NO_DESTINATION, nack.getReason());
        assertEquals("nodest-1", nack.getOrigin());
        sessionGoesOn(t);
    }

    @Test
    void spoofedOriginIsNacked() throws Exception
    {
        final TestTerminal t = login("spoof-1");
        final PublishNack nack = t.publishExpectingNack(envelope("bystander", 99, REFUSED + ": spoofed", "terminal:bystander"));
        assertEquals(NackReason.ORIGIN_MISMATCH, nack.getReason());
        assertTrue(nack.getDetail().contains("bystander") && nack.getDetail().contains("spoof-1"), nack.getDetail());
        sessionGoesOn(t);
    }

    @Test
    void originSequenceZeroIsNacked() throws Exception
    {
        final TestTerminal t = login("seq-1");
        final PublishNack nack = t.publishExpectingNack(envelope("seq-1", 0, REFUSED + ": seq 0", "terminal:bystander"));
        assertEquals(NackReason.BAD_SEQUENCE, nack.getReason());
        assertTrue(nack.getDetail().contains("origin_sequence"), nack.getDetail());
        sessionGoesOn(t);
    }

    @Test
    void expiredOnArrivalIsNacked() throws Exception
    {
        final TestTerminal t = login("late-1");
        final Envelope expired = t.text(REFUSED + ": expired", Precedence.IMMEDIATE, "terminal:bystander")
            .setExpiresAtMicros(System.currentTimeMillis() * 1000 - 60_000_000L).build();
        final PublishNack nack = t.publishExpectingNack(expired);
        assertEquals(NackReason.EXPIRED_ON_ARRIVAL, nack.getReason());
        assertEquals(expired.getOriginSequence(), nack.getOriginSequence());
        sessionGoesOn(t);
    }

    // ------------------------------------------------------------------------------------------ subscribe

    @Test
    void badSubscriptionPatternIsRefusedWithDetail() throws Exception
    {
        final TestTerminal t = login("sub-1");
        final String[][] cases = {
            {"channel:a.>.b", "a.>.b"},
            {"channel:", "empty"},
            {"channel:a..b", "a..b"},
            {"region:52", "region:52"},
            {"flood", "flood"},
        };
        for (final String[] c : cases)
        {
            final SubscriptionAck ack = t.subscribe(c[0]);
            assertFalse(ack.getOk(), c[0] + " accepted");
            assertTrue(ack.getDetail().contains(c[1]), "detail '" + ack.getDetail() + "' names '" + c[1] + "'");
        }
        // one bad pattern refuses the whole request: the good one in it was not subscribed either
        assertFalse(t.subscribe("channel:ops", "channel:a.>.b").getOk());
        assertTrue(t.subscribe("channel:flood.>").getOk());
        final PublishAck ack = bystander.publish(bystander.text("flood news", Precedence.ROUTINE, "channel:ops", "channel:flood.5201").build());
        final Delivery d = t.awaitDelivery();
        assertEquals(ack.getJournalIndex(), d.getJournalIndex());
        final PublishAck marker = bystander.publish(bystander.text("marker", Precedence.ROUTINE, "terminal:sub-1").build());
        assertEquals(marker.getJournalIndex(), t.awaitDelivery().getJournalIndex(), "flood news delivered once only");
    }

    // ------------------------------------------------------------------------------------------ other control frames

    @Test
    void controlPayloadsThatDoNotParseAreReportedAndTheSessionGoesOn() throws Exception
    {
        final TestTerminal t = login("ctl-1");
        final byte[] truncated = {0x12, 0x40, 'c'}; // field 2 announces 64 bytes, one follows
        t.sendRaw(TestTerminal.frameBytes(FrameType.SUBSCRIBE_VALUE, truncated));
        expectNonFatal(t, ErrorCode.MALFORMED_FRAME, "SUBSCRIBE", "parse");
        t.sendRaw(TestTerminal.frameBytes(FrameType.UNSUBSCRIBE_VALUE, truncated));
        expectNonFatal(t, ErrorCode.MALFORMED_FRAME, "SUBSCRIBE", "parse");
        t.sendRaw(TestTerminal.frameBytes(FrameType.REPLAY_REQUEST_VALUE, truncated));
        expectNonFatal(t, ErrorCode.BAD_REPLAY_REQUEST, "REPLAY_REQUEST", "parse");
        sessionGoesOn(t);
    }

    @Test
    void replayRequestWithAnImpossibleFilterIsRefused() throws Exception
    {
        final TestTerminal t = login("ctl-2");
        final ReplayRequest[] bad = {
            ReplayRequest.newBuilder().setRequestId(1).setFromIndex(10).setToIndex(5).build(),
            ReplayRequest.newBuilder().setRequestId(2).setFromMicros(10).setToMicros(5).build(),
            ReplayRequest.newBuilder().setRequestId(3).setRegionCode("52x").build(),
            ReplayRequest.newBuilder().setRequestId(4).setOrigin("not an id").build(),
        };
        final String[] named = {"to_index", "to_micros", "52x", "not an id"};
        for (int i = 0; i < bad.length; i++)
        {
            t.send(FrameType.REPLAY_REQUEST, bad[i]);
            expectNonFatal(t, ErrorCode.BAD_REPLAY_REQUEST, named[i]);
        }
        sessionGoesOn(t);
    }

    // ------------------------------------------------------------------------------------------ helpers

    private TestTerminal track(final TestTerminal t)
    {
        terminals.add(t);
        return t;
    }

    private TestTerminal connect() throws IOException
    {
        return track(TestTerminal.connect(port));
    }

    private TestTerminal login(final String id) throws IOException
    {
        return track(TestTerminal.login(port, id, GROUND, "520102"));
    }

    private static Hello hello(final int version, final String id, final TerminalKind kind, final String region)
    {
        return Hello.newBuilder().setProtocolVersion(version).setTerminalId(id).setKind(kind).setRegionCode(region)
            .setClientName("bad-input-test").build();
    }

    private static Envelope envelope(final String origin, final long sequence, final String text, final String... to)
    {
        return Envelope.newBuilder().setOrigin(origin).setOriginSequence(sequence).setPrecedence(Precedence.ROUTINE)
            .setCreatedAtMicros(System.currentTimeMillis() * 1000).addAllTo(List.of(to))
            .setText(Text.newBuilder().setText(text)).build();
    }

    /** An ERROR with this code, fatal, whose message names every one of {@code named}; then the close. */
    private static void expectFatal(final TestTerminal t, final ErrorCode code, final String... named) throws InterruptedException
    {
        final Error e = t.expectError();
        assertEquals(code, e.getCode(), e.toString());
        assertTrue(e.getFatal(), code + " must be fatal");
        assertNames(e.getMessage(), named);
        t.awaitClosed();
    }

    private static void expectNonFatal(final TestTerminal t, final ErrorCode code, final String... named)
    {
        final Error e = t.expectError();
        assertEquals(code, e.getCode(), e.toString());
        assertFalse(e.getFatal(), code + " must not be fatal here");
        assertNames(e.getMessage(), named);
    }

    private static void assertNames(final String message, final String... named)
    {
        for (final String n : named)
        {
            assertTrue(message.contains(n), "message '" + message + "' names '" + n + "'");
        }
    }

    private static void assertNack(final TestTerminal t, final byte[] payload, final NackReason reason, final String named)
        throws IOException
    {
        t.sendRaw(TestTerminal.frameBytes(FrameType.PUBLISH_VALUE, payload));
        final PublishNack nack = t.expectControl(FrameType.PUBLISH_NACK, PublishNack.parser());
        assertEquals(reason, nack.getReason(), nack.toString());
        assertNames(nack.getDetail(), named);
        assertFalse(nack.getDetail().isEmpty(), "a nack detail says what is wrong");
    }

    /** The session still publishes (acked, journaled) and receives (its own message, addressed to itself). */
    private static void sessionGoesOn(final TestTerminal t) throws Exception
    {
        final PublishAck ack = t.publish(t.text("still here", Precedence.ROUTINE, "terminal:" + t.id()).build());
        assertFalse(ack.getDuplicate());
        final Delivery d = t.awaitDelivery();
        assertEquals(ack.getJournalIndex(), d.getJournalIndex());
        assertEquals("still here", d.getEnvelope().getText().getText());
    }

    /** Writes a frame one byte per TCP segment (TCP_NODELAY), so the router sees it arrive in pieces. */
    private static void trickle(final TestTerminal t, final byte[] frame) throws IOException
    {
        for (final byte b : frame)
        {
            t.sendRaw(new byte[] {b});
        }
    }

    /** Closes with RST instead of FIN. */
    private static void reset(final TestTerminal t) throws IOException
    {
        t.socket().setSoLinger(true, 0);
        t.close();
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what)
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TestTerminal.TIMEOUT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not within " + TestTerminal.TIMEOUT_MS + " ms: " + what);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }
}
