package io.emcomm.router;

import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.Settings;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** WELCOME tells the client the limits it must keep to (protocol.md section 2): frame size, heartbeat, timeouts. */
@Timeout(30)
@ExtendWith(LeakWatch.class)
class WelcomeTest
{
    @TempDir
    Path dir;

    @Test
    void welcomeCarriesTheConfiguredIdleAndHandshakeTimeouts() throws Exception
    {
        final RouterConfig.Builder b = RouterConfig.loopback(dir.resolve("data"));
        b.security().timeouts(2_500, 45_000);
        try (Router router = Router.start(new Router.Context().config(b.build()));
             TestTerminal t = TestTerminal.connect(router.port()))
        {
            final Welcome w = t.hello("cp-52", TerminalKind.COMMAND_POST, "52");
            assertEquals(45_000, w.getIdleTimeoutMs());
            assertEquals(2_500, w.getHandshakeTimeoutMs());
            assertEquals(router.config().maxFrameBytes(), w.getMaxFrameBytes());
        }
    }

    @Test
    void welcomeCarriesTheDefaultTimeoutsAndZeroWhenIdleClosingIsOff() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir.resolve("a")));
             TestTerminal t = TestTerminal.connect(router.port()))
        {
            final Welcome w = t.hello("cp-52", TerminalKind.COMMAND_POST, "52");
            assertEquals(Settings.IDLE_TIMEOUT_MS.defaultValue(), w.getIdleTimeoutMs());
            assertEquals(Settings.HANDSHAKE_TIMEOUT_MS.defaultValue(), w.getHandshakeTimeoutMs());
        }
        final RouterConfig.Builder b = RouterConfig.loopback(dir.resolve("b"));
        b.security().timeouts(1_000, 0);
        try (Router router = Router.start(new Router.Context().config(b.build()));
             TestTerminal t = TestTerminal.connect(router.port()))
        {
            assertEquals(0, t.hello("cp-52", TerminalKind.COMMAND_POST, "52").getIdleTimeoutMs());
        }
    }
}
