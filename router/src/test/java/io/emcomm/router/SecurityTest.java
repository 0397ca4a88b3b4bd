package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.Task;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.AuthMode;
import io.emcomm.router.security.TokenHash;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.ManualClock;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token authentication, the deny-by-default access policy, and per-connection limits. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class SecurityTest
{
    @TempDir
    Path dir;

    private Path terminals;
    private final String provinceToken = TokenHash.newToken();
    private final String villageToken = TokenHash.newToken();
    private final String countyToken = TokenHash.newToken();

    @BeforeEach
    void registry() throws IOException
    {
        terminals = dir.resolve("terminals.txt");
        Files.writeString(terminals, String.join("\n",
            "# id kind region token-hash",
            "cp-52 command-post 52 " + TokenHash.hash(provinceToken),
            "cp-520102 command-post 520102 " + TokenHash.hash(countyToken),
            "hh-9 ground 520102001001 " + TokenHash.hash(villageToken),
            ""));
    }

    private RouterConfig.Builder tokenConfig()
    {
        final RouterConfig.Builder b = RouterConfig.builder().host("127.0.0.1").port(0).dataDir(dir.resolve("data")).ioThreads(2);
        b.security().authMode(AuthMode.TOKEN).terminalsFile(terminals);
        return b;
    }

    private static TestTerminal login(final Router router, final String id, final TerminalKind kind, final String region,
        final String token) throws IOException
    {
        final TestTerminal t = TestTerminal.connect(router.port());
        t.send(FrameType.HELLO, Hello.newBuilder().setProtocolVersion(1).setTerminalId(id).setKind(kind).setRegionCode(region)
            .setCredential(token).build());
        final TestTerminal.Frame f = t.nextControl();
        if (f.type() != FrameType.WELCOME_VALUE)
        {
            throw new AssertionError("expected WELCOME for " + id + ", got " + f.frameType());
        }
        t.adopt(id);
        return t;
    }

    private static io.emcomm.protocol.wire.Error refusedLogin(final Router router, final String id, final TerminalKind kind,
        final String region, final String token) throws Exception
    {
        try (TestTerminal t = TestTerminal.connect(router.port()))
        {
            t.send(FrameType.HELLO, Hello.newBuilder().setProtocolVersion(1).setTerminalId(id).setKind(kind).setRegionCode(region)
                .setCredential(token).build());
            final io.emcomm.protocol.wire.Error e = t.expectError();
            t.awaitClosed();
            return e;
        }
    }

    @Test
    void onlyRegisteredTerminalsWithTheRightTokenAndClaimsLogIn() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(tokenConfig().build())))
        {
            io.emcomm.protocol.wire.Error e = refusedLogin(router, "hh-9", GROUND, "520102001001", "not-the-token");
            assertEquals(ErrorCode.AUTHENTICATION_FAILED, e.getCode());
            assertTrue(e.getMessage().contains("wrong credential"), e.getMessage());
            assertFalse(e.getMessage().contains(villageToken), "the error never echoes a secret");

            e = refusedLogin(router, "intruder", GROUND, "52", villageToken);
            assertTrue(e.getMessage().contains("not in the terminal registry"), e.getMessage());

            e = refusedLogin(router, "hh-9", COMMAND_POST, "52", villageToken);
            assertTrue(e.getMessage().contains("registered as GROUND@520102001001"), e.getMessage());
            assertEquals(3, router.counters().authenticationFailures());

            try (TestTerminal ok = login(router, "hh-9", GROUND, "520102001001", villageToken))
            {
                assertFalse(ok.isClosedByPeer());
            }
        }
    }

    @Test
    void aVillageTerminalMayNotAlertTheProvinceOrSendTasksAndTheRefusalIsJournaled() throws Exception
    {
        try (Router router = Router.start(new Router.Context().config(tokenConfig().build()));
             TestTerminal province = login(router, "cp-52", COMMAND_POST, "52", provinceToken);
             TestTerminal village = login(router, "hh-9", GROUND, "520102001001", villageToken))
        {
            assertTrue(province.subscribe("channel:security.events").getOk());
            final Envelope alertProvince = village.text("false alarm", Precedence.FLASH, "region:52").build();
            final PublishNack nack = village.publishExpectingNack(alertProvince);
            assertEquals(NackReason.NOT_AUTHORIZED, nack.getReason());
            assertTrue(nack.getDetail().contains("may not publish text to region:52"), nack.getDetail());

            final Envelope task = Envelope.newBuilder().setOrigin("hh-9").setOriginSequence(village.nextSequence())
                .addTo("terminal:cp-52").setTask(Task.newBuilder().setTitle("do my bidding")).build();
            assertEquals(NackReason.NOT_AUTHORIZED, village.publishExpectingNack(task).getReason());
            assertEquals(2, router.counters().notAuthorized());

            // reporting up its own chain is allowed; the province post also gets the two security events
            village.publish(village.text("road blocked", Precedence.IMMEDIATE, "up:520102001001").build());
            int events = 0;
            boolean report = false;
            for (int i = 0; i < 3; i++)
            {
                final Delivery d = province.awaitAndAck();
                if (d.getEnvelope().getTo(0).equals("channel:security.events"))
                {
                    assertTrue(d.getEnvelope().getText().getText().startsWith("NOT_AUTHORIZED terminal hh-9"));
                    events++;
                }
                else
                {
                    report = d.getEnvelope().getText().getText().equals("road blocked");
                }
            }
            assertEquals(2, events);
            assertTrue(report, "the report up the chain arrived");
            // a command post may address its own subtree
            province.publish(province.text("all clear", Precedence.ROUTINE, "region:52").build());
            final List<Delivery> journaled = province.replay(ReplayRequest.newBuilder().setRequestId(1)
                .setOrigin(router.config().routerId()).build());
            assertEquals(2, journaled.size(), "each refusal is journaled as a security event");
        }
    }

    @Test
    void subscriptionsAreCheckedAgainstThePolicyAndTheLimit() throws Exception
    {
        final Path acl = dir.resolve("acl.txt");
        Files.writeString(acl, "allow * publish up:{own}\nallow kind:command-post subscribe channel:flood.>\n");
        final RouterConfig.Builder b = tokenConfig();
        b.security().aclFile(acl).maxSubscriptions(2);
        try (Router router = Router.start(new Router.Context().config(b.build()));
             TestTerminal county = login(router, "cp-520102", COMMAND_POST, "520102", countyToken);
             TestTerminal village = login(router, "hh-9", GROUND, "520102001001", villageToken))
        {
            assertFalse(village.subscribe("channel:flood.5201").getOk(), "ground terminals may not subscribe here");
            assertFalse(county.subscribe("channel:fire.>").getOk(), "outside the allowed pattern");
            assertFalse(county.subscribe("channel:>").getOk(), "wider than the allowed pattern");
            assertTrue(county.subscribe("channel:flood.*", "channel:flood.5201.rescue").getOk());
            final var third = county.subscribe("channel:flood.5203");
            assertFalse(third.getOk());
            assertTrue(third.getDetail().contains("more than 2 subscriptions"), third.getDetail());
        }
    }

    @Test
    void aConnectionOverItsRateIsNackedButFlashKeepsAFloor() throws Exception
    {
        final ManualClock clock = new ManualClock();
        final RouterConfig.Builder b = RouterConfig.loopback(dir);
        b.security().rateLimits(5, 0, 2);
        try (Router router = Router.start(new Router.Context().config(b.build()).clockMicros(clock));
             TestTerminal t = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            for (int i = 0; i < 5; i++)
            {
                t.publish(t.text("ok " + i, Precedence.ROUTINE, "region:52").build());
            }
            assertEquals(NackReason.RATE_LIMITED, t.publishExpectingNack(t.text("too many", Precedence.ROUTINE, "region:52").build()).getReason());
            t.publish(t.text("FLASH 1", Precedence.FLASH, "region:52").build());
            t.publish(t.text("FLASH 2", Precedence.FLASH, "region:52").build());
            assertEquals(NackReason.RATE_LIMITED, t.publishExpectingNack(t.text("FLASH 3", Precedence.FLASH, "region:52").build()).getReason(),
                "the floor is a rate too");
            clock.advanceMillis(1_000);
            t.publish(t.text("a second later", Precedence.ROUTINE, "region:52").build());
            assertEquals(2, router.counters().rateLimited());
        }
    }

    @Test
    void silentConnectionsAreClosedBeforeAndAfterHello() throws Exception
    {
        final RouterConfig.Builder b = RouterConfig.loopback(dir);
        b.security().timeouts(300, 500);
        try (Router router = Router.start(new Router.Context().config(b.build()));
             TestTerminal silent = TestTerminal.connect(router.port());
             TestTerminal idle = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final io.emcomm.protocol.wire.Error noHello = silent.expectError();
            assertEquals(ErrorCode.IDLE_TIMEOUT, noHello.getCode());
            assertTrue(noHello.getMessage().contains("no HELLO within 300 ms"), noHello.getMessage());
            silent.awaitClosed();
            final io.emcomm.protocol.wire.Error quiet = idle.expectError();
            assertEquals(ErrorCode.IDLE_TIMEOUT, quiet.getCode());
            idle.awaitClosed();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedAndOthersCarryOn() throws Exception
    {
        final RouterConfig.Builder b = RouterConfig.loopback(dir);
        b.security().maxConnections(2);
        try (Router router = Router.start(new Router.Context().config(b.build()));
             TestTerminal a = TestTerminal.login(router.port(), "veh-1", GROUND, "520102");
             TestTerminal c = TestTerminal.login(router.port(), "veh-2", GROUND, "520102"))
        {
            try (TestTerminal extra = TestTerminal.connect(router.port()))
            {
                extra.awaitClosed();
            }
            a.publish(a.text("still here", Precedence.ROUTINE, "terminal:veh-2").build());
            assertEquals("still here", c.awaitAndAck().getEnvelope().getText().getText());
        }
    }
}
