package io.emcomm.router.sequence;

import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.PositionReport;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.security.AccessPolicy;
import io.emcomm.router.security.PublishRateLimiter;
import io.emcomm.router.session.Session;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The publish path of {@link Sequencer} by direct calls (docs/protocol.md sections 4.2, 4.3 and 5.5,
 * docs/security.md section 3): every refusal with what it echoes, and that a refused publish journals and
 * routes nothing; dedupe, the journal index, the sessions reached now, and unknown terminals. Real journal,
 * routing table and delivery feeds ({@link SequencerFixture}); the test thread is every event loop.
 */
final class SequencerTest
{
    private static final String VILLAGE = "520102001001";

    @TempDir
    Path dir;

    private SequencerFixture fx;
    private Session hh;
    private Session cp;
    private Session other;

    @BeforeEach
    void open()
    {
        fx = new SequencerFixture(dir, AccessPolicy.ALLOW_ALL, true);
        hh = fx.login("hh-9", TerminalKind.GROUND, VILLAGE);
        cp = fx.login("cp-1", TerminalKind.COMMAND_POST, "5201");
        other = fx.login("uav-7", TerminalKind.AIR, "520102");
    }

    @AfterEach
    void close()
    {
        if (fx != null)
        {
            fx.close();
        }
    }

    private Envelope.Builder text(final String origin, final long sequence, final String... to)
    {
        final Envelope.Builder b = Envelope.newBuilder().setOrigin(origin).setOriginSequence(sequence)
            .setPrecedence(Precedence.ROUTINE).setCreatedAtMicros(fx.clock.getAsLong()).setText(Text.newBuilder().setText("hi"));
        for (final String t : to)
        {
            b.addTo(t);
        }
        return b;
    }

    /** Asserts a refusal and that nothing was journaled or delivered for it. */
    private void assertRefused(final PublishOutcome out, final NackReason reason, final String origin, final long sequence,
        final long lastIndexBefore)
    {
        assertFalse(out.accepted(), () -> "accepted, expected " + reason);
        assertEquals(reason, out.reason(), out::detail);
        assertEquals(origin, out.origin());
        assertEquals(sequence, out.sequence());
        assertFalse(out.detail().isEmpty(), "a refusal has a detail for people");
        assertEquals(lastIndexBefore, fx.journal.lastIndex(), "a refused publish journals nothing");
        assertEquals(List.of(), fx.written(cp), "a refused publish is routed to no one");
        assertEquals(1, fx.counters.nacked(reason.getNumber()));
    }

    @Test
    void acceptedPublishIsJournaledAndRoutedToEachRecipientOnce()
    {
        final PublishOutcome out = fx.publish(hh, text("hh-9", 1, "up:" + VILLAGE, "terminal:cp-1", "region:52").build());

        assertTrue(out.accepted(), out::detail);
        assertFalse(out.duplicate());
        assertEquals(1, out.sequence());
        assertEquals(fx.journal.lastIndex(), out.index());
        assertEquals(2, out.deliveredNow(), "cp-1 and uav-7, each once; the publisher not (protocol.md 5.5)");
        assertEquals(List.of(out.index()), fx.written(cp));
        assertEquals(List.of(out.index()), fx.written(other));
        assertEquals(List.of(), fx.written(hh));
        assertEquals(1, fx.counters.journaled());
        assertEquals(1, hh.originState().highestSequence());
    }

    @Test
    void publisherAddressingItselfByTerminalIdReceivesItsMessage()
    {
        final PublishOutcome out = fx.publish(hh, text("hh-9", 1, "terminal:hh-9", "region:" + VILLAGE).build());

        assertTrue(out.accepted(), out::detail);
        assertEquals(1, out.deliveredNow());
        assertEquals(List.of(out.index()), fx.written(hh));
    }

    @Test
    void deliveredNowCountsOnlyFeedsThatStillOwnTheirTerminal()
    {
        fx.settle();
        other.feed().close(); // closed (its connection going) but not yet unregistered

        final PublishOutcome out = fx.publish(hh, text("hh-9", 1, "region:52").build());

        assertTrue(out.accepted(), out::detail);
        assertEquals(1, out.deliveredNow(), "cp-1 only");
        assertEquals(0, fx.publish(hh, text("hh-9", 2, "terminal:nobody").build()).deliveredNow());
    }

    @Test
    void envelopeThatDoesNotParseIsNackedWithoutOriginOrSequence()
    {
        final long last = fx.journal.lastIndex();
        final PublishOutcome out = fx.publish(hh, new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertRefused(out, NackReason.MALFORMED_ENVELOPE, "", 0, last);
    }

    @Test
    void moreThanSixtyFourDestinationsIsTooMany()
    {
        final long last = fx.journal.lastIndex();
        final Envelope.Builder e = text("hh-9", 1);
        for (int i = 0; i < 65; i++)
        {
            e.addTo("terminal:t" + i);
        }
        assertRefused(fx.publish(hh, e.build()), NackReason.TOO_MANY_DESTINATIONS, "", 0, last);
    }

    @Test
    void originOtherThanTheSessionsTerminalIsRefused()
    {
        final long last = fx.journal.lastIndex();
        final PublishOutcome out = fx.publish(hh, text("cp-1", 7, "terminal:cp-1").build());
        assertRefused(out, NackReason.ORIGIN_MISMATCH, "cp-1", 7, last);
        assertTrue(out.detail().contains("hh-9"), out.detail());
    }

    @Test
    void sequenceZeroIsRefused()
    {
        final long last = fx.journal.lastIndex();
        assertRefused(fx.publish(hh, text("hh-9", 0, "terminal:cp-1").build()), NackReason.BAD_SEQUENCE, "hh-9", 0, last);
    }

    @Test
    void noDestinationIsRefused()
    {
        final long last = fx.journal.lastIndex();
        assertRefused(fx.publish(hh, text("hh-9", 3).build()), NackReason.NO_DESTINATION, "hh-9", 3, last);
    }

    @Test
    void badAddressIsRefusedEvenAfterGoodOnes()
    {
        final long last = fx.journal.lastIndex();
        final PublishOutcome out = fx.publish(hh, text("hh-9", 4, "terminal:cp-1", "region:5200").build());
        assertRefused(out, NackReason.BAD_ADDRESS, "hh-9", 4, last);
    }

    /** An envelope whose header parses but whose text body does not (a truncated Text inside field 21). */
    private static byte[] brokenBody(final Envelope header)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.toByteArray());
        out.writeBytes(new byte[] {(byte) 0xAA, 0x01, 0x03, 0x0A, 0x05, 0x61}); // field 21, 3 bytes: text claims 5, has 1
        return out.toByteArray();
    }

    @Test
    void bodyThatDoesNotParseIsMalformedWhenBodiesAreValidated()
    {
        final long last = fx.journal.lastIndex();
        final Envelope header = text("hh-9", 5, "terminal:cp-1").clearText().build();
        final PublishOutcome out = fx.publish(hh, brokenBody(header));
        assertRefused(out, NackReason.MALFORMED_ENVELOPE, "", 0, last);
        assertTrue(out.detail().startsWith("the envelope body does not parse"), out.detail());
    }

    @Test
    void bodyIsNotParsedWhenValidationIsOff(@TempDir final Path other)
    {
        try (SequencerFixture lax = new SequencerFixture(other, AccessPolicy.ALLOW_ALL, false))
        {
            final Session s = lax.login("hh-9", TerminalKind.GROUND, VILLAGE);
            final Envelope header = Envelope.newBuilder().setOrigin("hh-9").setOriginSequence(1).addTo("terminal:x").build();
            final PublishOutcome out = lax.publish(s, brokenBody(header));
            assertTrue(out.accepted(), out::detail);
            assertEquals(lax.journal.lastIndex(), out.index());
        }
    }

    @Test
    void overTheRateLimitIsRefusedButFlashKeepsItsFloor()
    {
        final Session limited = fx.login("slow", TerminalKind.GROUND, "5201",
            new PublishRateLimiter(1, 0, 1, fx.clock.getAsLong()));
        assertTrue(fx.publish(limited, text("slow", 1, "terminal:cp-1").build()).accepted());
        final long last = fx.journal.lastIndex();
        final List<Long> before = List.copyOf(fx.written(cp));

        final PublishOutcome out = fx.publish(limited, text("slow", 2, "terminal:cp-1").build());
        assertFalse(out.accepted());
        assertEquals(NackReason.RATE_LIMITED, out.reason());
        assertEquals("slow", out.origin());
        assertEquals(2, out.sequence());
        assertEquals(last, fx.journal.lastIndex());
        assertEquals(before, fx.written(cp));
        assertEquals(1, fx.counters.rateLimited());

        assertTrue(fx.publish(limited, text("slow", 3, "terminal:cp-1").setPrecedence(Precedence.FLASH).build()).accepted(),
            "FLASH passes on its floor when the budget is spent");
        fx.clock.advanceMillis(1_000);
        assertTrue(fx.publish(limited, text("slow", 2, "terminal:cp-1").build()).accepted(), "the budget refills");
    }

    @Test
    void publishTheAccessPolicyRefusesIsNackedAndJournaledAsASecurityEvent(@TempDir final Path other) throws Exception
    {
        try (SequencerFixture secure = new SequencerFixture(other,
            AccessPolicy.parse(AccessPolicy.DEFAULT_RULES, "the default policy"), true))
        {
            final Session handheld = secure.login("hh-9", TerminalKind.GROUND, VILLAGE);
            final Session console = secure.login("sec-1", TerminalKind.COMMAND_POST, "52");
            final Session bystander = secure.login("gnd-2", TerminalKind.GROUND, "5201");
            secure.table.subscribe(console, ChannelPattern.parse("security.events"));
            final long last = secure.journal.lastIndex();

            final PublishOutcome out = secure.publish(handheld, Envelope.newBuilder().setOrigin("hh-9").setOriginSequence(1)
                .addTo("terminal:gnd-2").addTo("region:52").setAlert(io.emcomm.protocol.wire.Alert.getDefaultInstance()).build());

            assertFalse(out.accepted());
            assertEquals(NackReason.NOT_AUTHORIZED, out.reason());
            assertEquals("hh-9", out.origin());
            assertEquals(1, out.sequence());
            assertEquals("terminal hh-9 (GROUND@" + VILLAGE + ") may not publish alert to terminal:gnd-2", out.detail(),
                "the first destination refused is named (alert to a terminal is not in the default policy)");
            assertEquals(1, secure.counters.notAuthorized());
            assertEquals(List.of(), secure.written(bystander), "the refused message reaches no one");

            // the one entry journaled is the router's security event, routed to its channel's subscribers
            final long event = secure.journal.lastIndex();
            assertTrue(event > last, "a security event was journaled");
            assertEquals(List.of(event), secure.written(console));
            final Envelope journaled = entry(secure, event);
            assertEquals(SequencerFixture.ROUTER_ID, journaled.getOrigin());
            assertEquals(List.of(Sequencer.SECURITY_EVENTS), journaled.getToList());
            assertEquals("NOT_AUTHORIZED " + out.detail(), journaled.getText().getText());
            assertEquals(0, handheld.originState().highestSequence(), "the refused sequence was not recorded");
        }
    }

    private static Envelope entry(final SequencerFixture f, final long index) throws Exception
    {
        try (JournalReader reader = f.journal.newReader())
        {
            reader.seekAtOrAfter(index);
            final JournalEntry e = new JournalEntry();
            assertTrue(reader.next(e));
            assertEquals(index, e.index());
            return Envelope.parser().parseFrom(e.envelope(), 0, e.envelopeLength());
        }
    }

    @Test
    void retryGetsTheOriginalIndexMarkedDuplicateAndIsNotJournaledOrRoutedAgain()
    {
        final Envelope e = text("hh-9", 1, "terminal:cp-1").build();
        final PublishOutcome first = fx.publish(hh, e);
        assertTrue(first.accepted());
        final long index = first.index();
        fx.publish(hh, text("hh-9", 2, "terminal:cp-1").build());
        final long last = fx.journal.lastIndex();

        final PublishOutcome retry = fx.publish(hh, e);

        assertTrue(retry.accepted());
        assertTrue(retry.duplicate());
        assertEquals(index, retry.index());
        assertEquals(1, retry.sequence());
        assertEquals(0, retry.deliveredNow());
        assertEquals(last, fx.journal.lastIndex());
        assertEquals(2, fx.written(cp).size(), "cp-1 got sequences 1 and 2, each once");
        assertEquals(1, fx.counters.duplicates());
    }

    @Test
    void sequenceTooFarBehindTheHighestIsStale()
    {
        assertTrue(fx.publish(hh, text("hh-9", DedupeWindow.WINDOW + 10, "terminal:cp-1").build()).accepted());
        final long last = fx.journal.lastIndex();
        final List<Long> before = List.copyOf(fx.written(cp));

        final PublishOutcome out = fx.publish(hh, text("hh-9", 2, "terminal:cp-1").build());

        assertFalse(out.accepted());
        assertEquals(NackReason.STALE_SEQUENCE, out.reason());
        assertEquals(2, out.sequence());
        assertEquals(last, fx.journal.lastIndex());
        assertEquals(before, fx.written(cp));
        // within the window, an unseen lower sequence is a new message (out of order, not a retry)
        assertTrue(fx.publish(hh, text("hh-9", 20, "terminal:cp-1").build()).accepted());
    }

    @Test
    void messageAlreadyExpiredOnArrivalIsRefused()
    {
        final long last = fx.journal.lastIndex();
        final PublishOutcome out = fx.publish(hh, text("hh-9", 1, "terminal:cp-1")
            .setExpiresAtMicros(fx.clock.getAsLong() - 1).build());
        assertRefused(out, NackReason.EXPIRED_ON_ARRIVAL, "hh-9", 1, last);
        assertTrue(fx.publish(hh, text("hh-9", 2, "terminal:cp-1")
            .setExpiresAtMicros(fx.clock.getAsLong() + 1_000_000).build()).accepted(), "not yet expired");
    }

    @Test
    void journalThatCannotStoreIsJournalUnavailableAndTheSequenceMayBeRetried()
    {
        final long last = fx.journal.lastIndex();
        fx.journal.failing = true;
        final PublishOutcome out = fx.publish(hh, text("hh-9", 1, "terminal:cp-1").build());
        assertRefused(out, NackReason.JOURNAL_UNAVAILABLE, "hh-9", 1, last);
        assertEquals("the test switched the journal off", out.detail());

        fx.journal.failing = false;
        final PublishOutcome retry = fx.publish(hh, text("hh-9", 1, "terminal:cp-1").build());
        assertTrue(retry.accepted(), "nothing was stored, so the retry is new");
        assertFalse(retry.duplicate());
        assertEquals(List.of(retry.index()), fx.written(cp));
    }

    @Test
    void positionReportRecordsItsIndexAsTheTerminalsLastPosition()
    {
        assertEquals(-1, hh.terminal().lastPositionIndex());
        final PublishOutcome position = fx.publish(hh, text("hh-9", 1, "up:" + VILLAGE).clearText()
            .setPosition(PositionReport.newBuilder().setLat(26.6).setLon(106.7)).build());
        assertTrue(position.accepted());
        final long index = position.index(); // the outcome is reused by the next publish on this thread
        assertEquals(index, hh.terminal().lastPositionIndex());

        assertTrue(fx.publish(hh, text("hh-9", 2, "up:" + VILLAGE).build()).accepted());
        assertEquals(index, hh.terminal().lastPositionIndex(), "a text leaves the last position alone");
    }

    @Test
    void terminalAddressesNeverSeenAreListedOnce()
    {
        final PublishOutcome out = fx.publish(hh, text("hh-9", 1, "terminal:cp-1", "terminal:ghost", "region:52",
            "terminal:ghost", "terminal:veh-9").build());

        assertTrue(out.accepted(), out::detail);
        assertEquals(2, out.unknownCount());
        assertEquals("terminal:ghost", out.unknownTerminals()[0]);
        assertEquals("terminal:veh-9", out.unknownTerminals()[1]);

        fx.everSeen.add("ghost"); // known, though not connected now
        final PublishOutcome again = fx.publish(hh, text("hh-9", 2, "terminal:ghost").build());
        assertEquals(0, again.unknownCount());
        assertEquals(0, again.deliveredNow());
    }

    @Test
    void retryOfAMessageThatExpiredSinceStillGetsItsDuplicateAck()
    {
        final Envelope e = text("hh-9", 1, "terminal:cp-1", "terminal:ghost")
            .setExpiresAtMicros(fx.clock.getAsLong() + 1_000).build();
        final long index = fx.publish(hh, e).index();
        assertEquals(List.of(index), fx.written(cp), "delivered while it was fresh");
        fx.clock.advanceMillis(5);

        final PublishOutcome retry = fx.publish(hh, e);

        assertTrue(retry.accepted(), "dedupe comes before the expiry check (protocol.md 4.3)");
        assertTrue(retry.duplicate());
        assertEquals(index, retry.index());
        assertEquals(1, retry.unknownCount(), "unknown_terminals is filled in on a duplicate's ack too");
        assertEquals("terminal:ghost", retry.unknownTerminals()[0]);
        assertEquals(List.of(index), fx.written(cp), "not routed again");
    }

    @Test
    void expiryAtTheRoutersClockIsAlreadyPast()
    {
        final long last = fx.journal.lastIndex();
        final PublishOutcome out = fx.publish(hh, text("hh-9", 1, "terminal:cp-1").setExpiresAtMicros(fx.clock.getAsLong()).build());
        assertRefused(out, NackReason.EXPIRED_ON_ARRIVAL, "hh-9", 1, last);
    }

    @Test
    void checksComeInTheOrderOfTheProtocolTable()
    {
        // origin before sequence, sequence before destinations, destinations before the rest
        final long last = fx.journal.lastIndex();
        assertEquals(NackReason.ORIGIN_MISMATCH, fx.publish(hh, text("", 0).build()).reason());
        assertEquals(NackReason.BAD_SEQUENCE, fx.publish(hh, text("hh-9", 0, "region:5200").build()).reason());
        assertEquals(NackReason.NO_DESTINATION, fx.publish(hh, text("hh-9", 1)
            .setExpiresAtMicros(1).build()).reason());
        assertEquals(NackReason.BAD_ADDRESS, fx.publish(hh, text("hh-9", 1, "up:x")
            .setExpiresAtMicros(1).build()).reason());
        assertEquals(last, fx.journal.lastIndex());
        assertEquals(4, fx.counters.nacked());
    }
}
