package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.config.ConfigException;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.ManualClock;
import io.emcomm.testing.TestTerminal;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Router.Context}: what {@link Router#start} is given, its defaults, and that the router uses what it holds. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class RouterContextTest
{
    @TempDir
    Path dir;

    @Test
    void aContextWithoutConfigurationStartsNothing()
    {
        final ConfigException refused = assertThrows(ConfigException.class, () -> Router.start(new Router.Context()));
        assertEquals("Router.Context: no configuration (config(RouterConfig))", refused.getMessage());
        assertFalse(Files.exists(dir.resolve("journal")));
    }

    @Test
    void concludeFillsTheWallClocksAndKeepsWhatWasSet()
    {
        final Router.Context defaults = new Router.Context().config(RouterConfig.loopback(dir).build()).conclude();
        assertInstanceOf(MicrosClock.class, defaults.clockMicros());
        assertSame(SystemTimeProvider.INSTANCE, defaults.journalTime());
        final ManualClock clock = new ManualClock();
        final Router.Context set = new Router.Context().config(RouterConfig.loopback(dir).build()).clockMicros(clock);
        assertSame(clock, set.conclude().clockMicros());
        assertSame(clock, set.conclude().clockMicros(), "concluding twice changes nothing");
    }

    @Test
    void theRouterJournalsByTheContextsClock() throws Exception
    {
        final ManualClock clock = new ManualClock();
        clock.advanceMillis(-86_400_000L); // a day behind the wall clock: no accident can match it
        try (Router router = Router.start(new Router.Context().config(RouterConfig.loopback(dir).build()).clockMicros(clock));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            final long index = uav.publish(uav.text("timed", Precedence.ROUTINE, "up:520102").build()).getJournalIndex();
            final JournalEntry entry = new JournalEntry();
            try (JournalReader reader = router.journal().newReader())
            {
                reader.toStart();
                boolean found = false;
                while (reader.next(entry))
                {
                    if (entry.index() == index)
                    {
                        assertEquals(clock.getAsLong(), entry.journaledAtMicros());
                        found = true;
                    }
                }
                assertTrue(found, "the publish is in the journal");
            }
        }
    }
}
