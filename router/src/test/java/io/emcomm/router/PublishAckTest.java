package io.emcomm.router;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.AuthMode;
import io.emcomm.router.security.TokenHash;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
 * PUBLISH_ACK {@code delivered_now} and {@code unknown_terminals} (protocol.md 4.2), and the nacks of envelopes
 * that do not parse (4.2, 4.3), over real TCP against a real journal.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class PublishAckTest
{
    @TempDir
    Path dir;

    @Test
    void deliveredNowCountsTheConnectedSessionsTheMessageWasHandedTo() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir.resolve("data")));
             TestTerminal province = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52");
             TestTerminal city = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", AIR, "520102"))
        {
            TestTerminal.login(router.port(), "veh-3", GROUND, "520102").close(); // seen, now offline
            awaitCondition(() -> router.routingTable().terminal("veh-3") == null, "the router notices veh-3 left");

            final PublishAck up = uav.publish(uav.text("levee", Precedence.FLASH, "up:520102").build());
            assertEquals(2, up.getDeliveredNow(), "both command posts up the chain are connected");
            assertEquals(List.of(), up.getUnknownTerminalsList());

            // the origin is not counted (it does not receive its own message), nor is the offline vehicle
            assertEquals(2, uav.publish(uav.text("all", Precedence.ROUTINE, "region:52").build()).getDeliveredNow());
            // overlapping addresses reach each session once
            assertEquals(1, uav.publish(uav.text("twice", Precedence.ROUTINE, "terminal:cp-52", "up:52").build()).getDeliveredNow());
            // nobody subscribed, or only an offline terminal: journaled and acked, handed to nobody now
            final PublishAck none = uav.publish(uav.text("quiet", Precedence.ROUTINE, "channel:nobody.listens", "terminal:veh-3").build());
            assertEquals(0, none.getDeliveredNow());
            assertEquals(List.of(), none.getUnknownTerminalsList(), "veh-3 logged in once: known");
            // addressing itself counts itself
            assertEquals(1, uav.publish(uav.text("note", Precedence.ROUTINE, "terminal:uav-1").build()).getDeliveredNow());
            // what was counted was handed over: the province post gets the three messages that reached it
            assertEquals("levee", province.awaitDelivery().getEnvelope().getText().getText());
            assertEquals("all", province.awaitDelivery().getEnvelope().getText().getText());
            assertEquals("twice", province.awaitDelivery().getEnvelope().getText().getText());
        }
    }

    @Test
    void unknownTerminalsNamesEveryTerminalAddressOfAnIdNeverSeenOnceAndSurvivesARestart() throws Exception
    {
        final Path data = dir.resolve("data");
        try (Router router = Router.start(Router.Context.loopback(data)))
        {
            TestTerminal.login(router.port(), "veh-3", GROUND, "520102").close();
            try (TestTerminal cp = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52"))
            {
                final Envelope e = cp.text("where are you", Precedence.PRIORITY,
                    "terminal:veh-3", "terminal:veh-33", "terminal:cp-52", "region:52", "terminal:uva-1", "terminal:veh-33").build();
                final PublishAck ack = cp.publish(e);
                assertEquals(List.of("terminal:veh-33", "terminal:uva-1"), ack.getUnknownTerminalsList());
                assertFalse(ack.getDuplicate());
                assertEquals(1, ack.getDeliveredNow(), "only cp-52 itself (terminal:cp-52) is connected");

                final PublishAck retry = cp.publish(e);
                assertTrue(retry.getDuplicate());
                assertEquals(ack.getJournalIndex(), retry.getJournalIndex());
                assertEquals(0, retry.getDeliveredNow(), "a duplicate is not routed again");
                assertEquals(List.of("terminal:veh-33", "terminal:uva-1"), retry.getUnknownTerminalsList());
            }
        }
        try (Router router = Router.start(Router.Context.loopback(data));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52"))
        {
            final PublishAck ack = cp.publish(cp.text("again", Precedence.ROUTINE, "terminal:veh-3", "terminal:veh-33").build());
            assertEquals(List.of("terminal:veh-33"), ack.getUnknownTerminalsList(), "logins before the restart are remembered");
        }
    }

    @Test
    void withAuthenticationARegisteredTerminalIsKnownBeforeItsFirstLogin() throws Exception
    {
        final String token = TokenHash.newToken();
        final Path terminals = dir.resolve("terminals.txt");
        Files.writeString(terminals, String.join("\n",
            "cp-52 command-post 52 " + TokenHash.hash(token),
            "hh-9 ground 520102001001 -",
            ""));
        final RouterConfig.Builder b = RouterConfig.loopback(dir.resolve("data"));
        b.security().authMode(AuthMode.TOKEN).terminalsFile(terminals);
        try (Router router = Router.start(new Router.Context().config(b.build()));
             TestTerminal cp = TestTerminal.connect(router.port()))
        {
            cp.send(FrameType.HELLO, Hello.newBuilder().setProtocolVersion(1).setTerminalId("cp-52")
                .setKind(TerminalKind.COMMAND_POST).setRegionCode("52").setCredential(token).build());
            assertEquals(FrameType.WELCOME, cp.nextControl().frameType());
            cp.adopt("cp-52");
            final PublishAck ack = cp.publish(cp.text("report", Precedence.ROUTINE, "terminal:hh-9", "terminal:hh-99").build());
            assertEquals(List.of("terminal:hh-99"), ack.getUnknownTerminalsList());
            assertEquals(0, ack.getDeliveredNow());
        }
    }

    @Test
    void tooManyDestinationsIsNackedWithoutOriginOrSequenceEvenWhenTheyCameFirst() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir.resolve("data")));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52"))
        {
            final Envelope.Builder e = cp.text("too many", Precedence.ROUTINE); // origin and sequence are fields 1, 2
            for (int i = 0; i < 65; i++)
            {
                e.addTo("terminal:veh-" + i);
            }
            final PublishNack nack = cp.publishExpectingNack(e.build());
            assertEquals(NackReason.TOO_MANY_DESTINATIONS, nack.getReason());
            assertEquals("", nack.getOrigin());
            assertEquals(0, nack.getOriginSequence());
            assertTrue(nack.getDetail().contains("more than 64 destinations"), nack.getDetail());

            // 64 is allowed, and the connection carries on
            final Envelope.Builder ok = cp.text("64", Precedence.ROUTINE);
            for (int i = 0; i < 64; i++)
            {
                ok.addTo("terminal:veh-" + i);
            }
            assertEquals(64, cp.publish(ok.build()).getUnknownTerminalsCount());
        }
    }

    @Test
    void aBodyThatDoesNotParseIsNackedWithoutOriginOrSequence() throws Exception
    {
        final RouterConfig.Builder b = RouterConfig.loopback(dir.resolve("data"));
        b.security().validateBodies(true);
        try (Router router = Router.start(new Router.Context().config(b.build()));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-52", COMMAND_POST, "52"))
        {
            // field 21 (text) holding bytes that are not a Text message: a length that runs past its end
            final Envelope e = cp.text("x", Precedence.ROUTINE, "channel:ops").clearText()
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                    .addField(21, com.google.protobuf.UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(com.google.protobuf.ByteString.copyFrom(new byte[] {0x0a, 0x7f, 0x41})).build())
                    .build())
                .build();
            final PublishNack nack = cp.publishExpectingNack(e);
            assertEquals(NackReason.MALFORMED_ENVELOPE, nack.getReason());
            assertEquals("", nack.getOrigin());
            assertEquals(0, nack.getOriginSequence());
            assertTrue(nack.getDetail().startsWith("the envelope body does not parse"), nack.getDetail());
        }
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
