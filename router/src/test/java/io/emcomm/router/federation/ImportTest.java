package io.emcomm.router.federation;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.sequence.ImportOutcome;
import io.emcomm.router.sequence.Sequencer;
import io.emcomm.router.session.Session;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.emcomm.router.federation.FederationFixture.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Sequencer.importDelivery} at the city router (region 5201, parent province-r, children county-r 520102 and
 * baiyun-r 520113) with a real journal, routing table and feeds ({@link FederationFixture}): what is journaled (the
 * envelope as received, the original origin kind and region, the ingress), where it goes (never back over the link it
 * came from), dedupe in the windows local publishes use, expiry, the authority of a child, the counters and the
 * security event of a refusal.
 */
@ExtendWith(LeakWatch.class)
final class ImportTest
{
    @TempDir
    Path dir;

    private FederationFixture fx;
    private Session province;
    private Session county;
    private Session baiyun;
    private Session cityPost;

    @BeforeEach
    void open()
    {
        fx = new FederationFixture(dir);
        fx.sequencer.routerRegion("5201");
        province = fx.parent("province-r", "5201", id -> false);
        county = fx.child("county-r", "520102");
        baiyun = fx.child("baiyun-r", "520113");
        cityPost = fx.login("cp-5201", TerminalKind.COMMAND_POST, "5201");
    }

    @AfterEach
    void close()
    {
        fx.close();
    }

    @Test
    void anImportIsJournaledAsReceivedWithItsOriginAndIngressAndRoutedEverywhereButBack()
    {
        final Envelope e = text("uav-7", 1, "region:52").setPrecedence(Precedence.IMMEDIATE).build();
        final ImportOutcome out = fx.importFrom(county, e, TerminalKind.AIR, "520102001");

        assertEquals(ImportOutcome.Kind.IMPORTED, out.kind());
        assertTrue(out.acknowledge());
        assertEquals(3, out.deliveredNow(), "the city's post, the parent and the other child");
        final JournalEntry entry = fx.entry(out.index());
        assertEquals(TerminalKind.AIR_VALUE, entry.originKind(), "the origin as it logged in at the county");
        assertEquals("520102001", entry.originRegion());
        assertEquals("county-r", entry.ingress());
        assertEquals(e.toByteString(), com.google.protobuf.ByteString.copyFrom(entry.envelope(), 0, entry.envelopeLength()),
            "the bytes as received");

        assertEquals(List.of(out.index()), fx.indexes(cityPost));
        assertEquals(List.of(out.index()), fx.indexes(province));
        assertEquals(List.of(out.index()), fx.indexes(baiyun));
        assertEquals(List.of(), fx.indexes(county), "never back over the link it came from");

        final FederationFixture.Written up = fx.written(province).get(0);
        assertEquals(TerminalKind.AIR_VALUE, up.originKind(), "a link's DELIVERY carries the origin on");
        assertEquals("520102001", up.originRegion());
        assertEquals(e, up.envelope());
        final FederationFixture.Written local = fx.written(cityPost).get(0);
        assertNull(local.originKind(), "a terminal's DELIVERY is as before");
        assertNull(local.originRegion());
        assertEquals(1, fx.counters.imported());
    }

    @Test
    void theSameMessageAgainIsADuplicateWhateverPathItCameBy()
    {
        final Envelope e = text("uav-7", 1, "region:5201").build();
        final long index = fx.importFrom(county, e, TerminalKind.AIR, "520102").index();
        final long entries = fx.entries().size();

        final ImportOutcome again = fx.importFrom(county, e, TerminalKind.AIR, "520102");
        assertEquals(ImportOutcome.Kind.DUPLICATE, again.kind(), "the link dropped mid-batch and sent it again");
        assertEquals(index, again.index());
        assertTrue(again.acknowledge());
        final ImportOutcome fromAbove = fx.importFrom(province, e, TerminalKind.AIR, "520102");
        assertEquals(ImportOutcome.Kind.DUPLICATE, fromAbove.kind(), "by (origin, sequence), whichever link");
        assertEquals(entries, fx.entries().size(), "nothing journaled twice");
        assertEquals(List.of(index), fx.indexes(cityPost), "nothing delivered twice");
        assertEquals(2, fx.counters.importDuplicates());
        assertEquals(1, fx.counters.imported());
    }

    @Test
    void importsAndLocalPublishesShareTheDedupeWindows()
    {
        final Session uav = fx.login("uav-7", TerminalKind.AIR, "5201");
        final long index = fx.publish(uav, text("uav-7", 5, "region:5201").build()).index();
        final ImportOutcome out = fx.importFrom(province, text("uav-7", 5, "region:5201").build(), TerminalKind.AIR, "5201");
        assertEquals(ImportOutcome.Kind.DUPLICATE, out.kind(), "published here, then came back round from above");
        assertEquals(index, out.index());

        fx.importFrom(province, text("uav-7", 6, "region:5201").build(), TerminalKind.AIR, "5201");
        assertTrue(fx.publish(uav, text("uav-7", 6, "region:5201").build()).duplicate(),
            "imported first, then the origin's retry here is answered with the imported index");
    }

    @Test
    void aSequenceTooOldToTellIsJournaledAnywayAndDoesNotDisplaceNewerOnes()
    {
        final long newest = fx.importFrom(county, text("uav-7", 10_000, "region:5201").build(), TerminalKind.AIR, "520102").index();
        final ImportOutcome stale = fx.importFrom(county, text("uav-7", 10_000 - DedupeWindow.WINDOW, "region:5201").build(),
            TerminalKind.AIR, "520102");
        assertEquals(ImportOutcome.Kind.IMPORTED, stale.kind(), "across a link a rare duplicate beats a loss");
        final ImportOutcome retry = fx.importFrom(county, text("uav-7", 10_000, "region:5201").build(), TerminalKind.AIR, "520102");
        assertEquals(ImportOutcome.Kind.DUPLICATE, retry.kind());
        assertEquals(newest, retry.index(), "the stale one was not recorded over the newest");
    }

    @Test
    void anExpiredMessageIsAcknowledgedButNotJournaled()
    {
        final long entries = fx.entries().size();
        final Envelope expired = text("uav-7", 1, "region:5201").setExpiresAtMicros(fx.clock.getAsLong() - 1).build();
        final ImportOutcome out = fx.importFrom(county, expired, TerminalKind.AIR, "520102");
        assertEquals(ImportOutcome.Kind.EXPIRED, out.kind());
        assertTrue(out.acknowledge());
        assertEquals(-1, out.index());
        assertEquals(entries, fx.entries().size());
        assertEquals(List.of(), fx.indexes(cityPost));
        assertEquals(1, fx.counters.expired());
    }

    @Test
    void aChildMayForwardOnlyOriginsInItsOwnRegion()
    {
        final long entries = fx.entries().size();
        final Session securityDesk = fx.login("sec-1", TerminalKind.COMMAND_POST, "5201");
        subscribeSecurity(securityDesk);

        final ImportOutcome forged = fx.importFrom(county, text("cp-52", 1, "region:52").build(), TerminalKind.COMMAND_POST, "52");
        assertEquals(ImportOutcome.Kind.REFUSED, forged.kind(), "a county cannot forge a province command post");
        assertTrue(forged.acknowledge(), "acknowledged so that the link moves on");
        assertTrue(forged.detail().contains("county-r") && forged.detail().contains("cp-52"), forged.detail());
        final ImportOutcome sibling = fx.importFrom(county, text("veh-3", 1, "region:5201").build(), TerminalKind.GROUND, "520113");
        assertEquals(ImportOutcome.Kind.REFUSED, sibling.kind(), "nor a sibling county's terminal");
        final ImportOutcome unplaced = fx.importFrom(county, text("x-1", 1, "region:5201").build(), TerminalKind.GROUND, "");
        assertEquals(ImportOutcome.Kind.REFUSED, unplaced.kind(), "an origin without a region is not in the subtree");

        assertEquals(3, fx.counters.importRefused());
        assertEquals(List.of(), fx.indexes(cityPost), "nothing refused was routed");
        final List<JournalEntry> all = fx.entries();
        assertEquals(entries + 3, all.size(), "only the three security events were journaled");
        final List<FederationFixture.Written> events = fx.written(securityDesk);
        assertEquals(3, events.size());
        for (final FederationFixture.Written w : events)
        {
            final Envelope event = w.envelope();
            assertEquals(FederationFixture.ROUTER_ID, event.getOrigin());
            assertEquals(List.of(Sequencer.SECURITY_EVENTS), event.getToList());
            assertTrue(event.getText().getText().startsWith("IMPORT_REFUSED peer county-r"), event.getText().getText());
        }
        assertEquals("5201", all.get(all.size() - 1).originRegion(), "the router's own message carries its region");
    }

    @Test
    void theRegistryOverrulesWhatAChildClaims()
    {
        fx.registry.put("cp-52", "52");
        final ImportOutcome out = fx.importFrom(county, text("cp-52", 1, "region:5201").build(), TerminalKind.COMMAND_POST,
            "520102");
        assertEquals(ImportOutcome.Kind.REFUSED, out.kind(), "claimed inside the county, registered at the province");
        assertTrue(out.detail().contains("registered at 52"), out.detail());

        fx.registry.put("uav-7", "520102001");
        assertEquals(ImportOutcome.Kind.IMPORTED,
            fx.importFrom(county, text("uav-7", 1, "region:5201").build(), TerminalKind.AIR, "520102001").kind());
    }

    @Test
    void whatTheParentForwardsIsTrusted()
    {
        final ImportOutcome out = fx.importFrom(province, text("cp-52", 1, "region:5201").build(), TerminalKind.COMMAND_POST, "52");
        assertEquals(ImportOutcome.Kind.IMPORTED, out.kind());
        assertEquals(List.of(out.index()), fx.indexes(cityPost));
        assertEquals(List.of(out.index()), fx.indexes(county), "down to the children whose region overlaps");
        assertEquals(List.of(), fx.indexes(province));
    }

    @Test
    void aMalformedEnvelopeIsRefused()
    {
        assertEquals(ImportOutcome.Kind.REFUSED, fx.importFrom(county, new byte[] {(byte)0xff, 0x01}, 3, "520102").kind());
        assertEquals(ImportOutcome.Kind.REFUSED,
            fx.importFrom(county, text("uav-7", 0, "region:5201").build(), TerminalKind.AIR, "520102").kind(), "sequence 0");
        assertEquals(ImportOutcome.Kind.REFUSED,
            fx.importFrom(county, text("uav-7", 1).build(), TerminalKind.AIR, "520102").kind(), "no destination");
        assertEquals(ImportOutcome.Kind.REFUSED,
            fx.importFrom(county, text("uav-7", 1, "region:5200").build(), TerminalKind.AIR, "520102").kind(), "a bad address");
        assertEquals(4, fx.counters.importRefused());
        assertEquals(ImportOutcome.Kind.IMPORTED,
            fx.importFrom(county, text("uav-7", 1, "region:5201").build(), TerminalKind.AIR, "520102").kind(),
            "a refusal records nothing in the origin's window");
    }

    @Test
    void aJournalThatCannotStoreIsNotAcknowledged()
    {
        fx.journal.failing = true;
        final ImportOutcome out = fx.importFrom(county, text("uav-7", 1, "region:5201").build(), TerminalKind.AIR, "520102");
        assertEquals(ImportOutcome.Kind.UNAVAILABLE, out.kind());
        assertFalse(out.acknowledge(), "the peer must send it again");
        assertEquals("the test switched the journal off", out.detail());
        fx.journal.failing = false;
        assertEquals(ImportOutcome.Kind.IMPORTED,
            fx.importFrom(county, text("uav-7", 1, "region:5201").build(), TerminalKind.AIR, "520102").kind(),
            "sent again, it is new: nothing was recorded");
    }

    @Test
    void theOriginConnectedHereGetsItsOwnImportedMessageOnlyWhenAddressedToItself()
    {
        final Session uav = fx.login("uav-7", TerminalKind.AIR, "5201");
        fx.importFrom(province, text("uav-7", 1, "region:5201").build(), TerminalKind.AIR, "5201");
        assertEquals(List.of(), fx.indexes(uav), "as a local publish: not its own region message");
        final long index = fx.importFrom(province, text("uav-7", 2, "region:5201", "terminal:uav-7").build(), TerminalKind.AIR,
            "5201").index();
        assertEquals(List.of(index), fx.indexes(uav));
    }

    @Test
    void aTerminalSessionCannotImport()
    {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> fx.importFrom(cityPost, text("uav-7", 1, "region:5201").build(), TerminalKind.AIR, "5201"));
    }

    private void subscribeSecurity(final Session s)
    {
        try
        {
            fx.subscribe(s, "security.events");
        }
        catch (final Exception ex)
        {
            throw new AssertionError(ex);
        }
    }

    @Test
    void theRoutersOwnMessagesCarryItsRegionOverTheLinks()
    {
        final long index = fx.sequencer.publishInternal(fx.origins.state(FederationFixture.ROUTER_ID),
            Envelope.newBuilder().addTo("channel:ops").setText(io.emcomm.protocol.wire.Text.newBuilder().setText("receipt-like")));
        assertEquals("5201", fx.entry(index).originRegion());
        assertEquals(TerminalKind.COMMAND_POST_VALUE, fx.entry(index).originKind());
        final FederationFixture.Written up = fx.written(province).get(0);
        assertEquals(index, up.index());
        assertEquals("5201", up.originRegion(), "so that it passes the parent's authority check");
        assertEquals((long)TerminalKind.COMMAND_POST_VALUE, up.originKind());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> fx.sequencer.routerRegion("520100"));
    }

    @Test
    void aRouterWithoutARegionOriginatesWithoutOne()
    {
        try (FederationFixture plain = new FederationFixture(dir.resolve("plain")))
        {
            assertEquals("", plain.sequencer.routerRegion());
            final Session up = plain.parent("hq", "", id -> false);
            final long index = plain.sequencer.publishInternal(plain.origins.state(FederationFixture.ROUTER_ID),
                Envelope.newBuilder().addTo("channel:ops").setText(io.emcomm.protocol.wire.Text.newBuilder().setText("x")));
            assertEquals("", plain.entry(index).originRegion());
            assertNull(plain.written(up).get(0).originRegion(), "an empty region is left out of the link's DELIVERY");
        }
    }

    @Test
    void aMessageInThisRoutersOwnNameIsRefusedFromEitherSide()
    {
        for (final Session link : List.of(county, province))
        {
            final ImportOutcome out = fx.importFrom(link, text(FederationFixture.ROUTER_ID, 1, "region:5201").build(),
                TerminalKind.COMMAND_POST, "520102");
            assertEquals(ImportOutcome.Kind.REFUSED, out.kind(), "forged or looped, over " + link.terminalId());
        }
        assertEquals(List.of(), fx.indexes(cityPost));
    }

    @Test
    void whatTheLastFramesOfAReplacedSessionCarryDoesNotGoBackToItsSuccessor()
    {
        final Session old = county;
        final Session next = fx.child("county-r", "520102"); // the link reconnected
        final ImportOutcome out = fx.importFrom(old, text("uav-7", 1, "region:52").build(), TerminalKind.AIR, "520102");
        assertEquals(ImportOutcome.Kind.IMPORTED, out.kind());
        assertEquals(List.of(), fx.indexes(next), "the same router, by its id");
        assertEquals(List.of(out.index()), fx.indexes(baiyun));
    }
}
