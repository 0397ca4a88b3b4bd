package io.emcomm.client;

import io.emcomm.protocol.wire.TerminalKind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The client's identity options are checked when the options are built, before any connection. */
class TerminalIdentityTest
{
    @Test
    void aClientIsNeverARouter()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> ClientOptions.builder().terminal("city", TerminalKind.ROUTER, "5201").build());
        assertEquals("terminal kind router is for a child router's uplink (emcomm.uplink), never a client's:"
            + " use air, space, ground or command-post", ex.getMessage());
    }

    @Test
    void everyTerminalKindIsAccepted()
    {
        for (final TerminalKind kind : new TerminalKind[] {TerminalKind.AIR, TerminalKind.SPACE, TerminalKind.GROUND,
            TerminalKind.COMMAND_POST})
        {
            assertEquals(kind, ClientOptions.builder().terminal("uav-1", kind, "5201").build().kind());
        }
    }
}
