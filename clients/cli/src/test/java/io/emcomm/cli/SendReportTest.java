package io.emcomm.cli;

import io.emcomm.client.PublishResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What {@code emcomm send} says on stderr from the PUBLISH_ACK's {@code delivered_now} and {@code unknown_terminals}. */
@Timeout(10)
class SendReportTest
{
    @Test
    void reachedTerminalsAndUnknownIds()
    {
        assertEquals(List.of("delivered now to 1 connected terminal"),
            SendCommand.report(new PublishResult("cp-1", 3, 42, false, 1, List.of())));
        assertEquals(List.of("delivered now to 0 connected terminals",
                "warning: terminal:cp-9 names an id the router has never seen: it will not get this message "
                    + "(a new id receives only what is published after its first login)",
                "warning: terminal:veh-x names an id the router has never seen: it will not get this message "
                    + "(a new id receives only what is published after its first login)"),
            SendCommand.report(new PublishResult("cp-1", 4, 43, false, 0, List.of("terminal:cp-9", "veh-x"))));
        assertEquals(List.of("delivered now to 16 connected terminals"),
            SendCommand.report(new PublishResult("cp-1", 5, 44, false, 16, null)));
    }

    @Test
    void aRetryWasNotRoutedAgain()
    {
        assertEquals(List.of("already journaled (a retry): not routed again"),
            SendCommand.report(new PublishResult("cp-1", 3, 42, true)));
    }
}
