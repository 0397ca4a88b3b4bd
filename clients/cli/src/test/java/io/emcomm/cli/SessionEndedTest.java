package io.emcomm.cli;

import io.emcomm.client.EmcommException;
import io.emcomm.client.SessionReplacedException;
import io.emcomm.protocol.wire.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one line {@code emcomm listen} exits with when the router ends its session. */
@Timeout(10)
class SessionEndedTest
{
    @Test
    void replacementNamesTheOtherLoginsAddress()
    {
        assertEquals("session replaced by another login from /10.0.0.7:50123", ListenCommand.sessionEnded(
            new SessionReplacedException("terminal cp-2 logged in again from /10.0.0.7:50123")));
        // the same from a library that reports the replacement as a fatal router error
        assertEquals("session replaced by another login from /10.0.0.7:50123", ListenCommand.sessionEnded(new EmcommException(
            "router error SESSION_REPLACED: terminal cp-2 logged in again from /10.0.0.7:50123", ErrorCode.SESSION_REPLACED, null)));
        assertEquals("session replaced by another login (session replaced by another login: elsewhere)",
            ListenCommand.sessionEnded(new SessionReplacedException("elsewhere")));
    }

    @Test
    void otherEndsGiveTheRoutersReason()
    {
        assertEquals("session ended: router error AUTHENTICATION_FAILED: bad token", ListenCommand.sessionEnded(
            new EmcommException("router error AUTHENTICATION_FAILED: bad token", ErrorCode.AUTHENTICATION_FAILED, null)));
        assertEquals("session ended by the router", ListenCommand.sessionEnded(null));
    }
}
