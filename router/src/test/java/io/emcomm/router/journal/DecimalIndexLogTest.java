package io.emcomm.router.journal;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 12 kind 10: the router's logs print journal indexes in decimal, as send, replay and status do. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class DecimalIndexLogTest
{
    @TempDir
    Path dir;

    @Test
    void theJournalOpenLogNamesTheLastIndexInDecimal() throws Exception
    {
        final long index;
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            index = uav.publish(uav.text("one", Precedence.ROUTINE, "up:520102").build()).getJournalIndex();
        }
        final Logger logger = (Logger)LoggerFactory.getLogger(ChronicleJournal.class);
        final ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            assertTrue(events.list.stream().anyMatch(e -> e.getFormattedMessage().endsWith("last index " + index + ")")),
                () -> "no journal-open line with last index " + index + ": " + events.list);
        }
        finally
        {
            logger.detachAppender(events);
        }
    }
}
