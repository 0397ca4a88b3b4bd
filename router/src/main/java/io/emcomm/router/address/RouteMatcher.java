package io.emcomm.router.address;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.router.terminal.TerminalIdentity;
import io.emcomm.router.terminal.TerminalState;

/**
 * The routing rules seen from one terminal: would a journaled message have reached this session? Used
 * when a terminal catches up from the journal, so it must agree exactly with {@code route.LocalRoutingTable}
 * (the routing tests exercise both paths with the same expectations).
 */
public final class RouteMatcher
{
    private RouteMatcher()
    {
    }

    /**
     * True when the wrapped envelope is addressed to the terminal by any of its destinations.
     *
     * @param who      the terminal as it is logged in (id, kind, region)
     * @param terminal its durable state (channel subscriptions)
     * @param header   an envelope header wrapped over the journaled envelope
     * @param cache    the calling thread's destination cache
     */
    public static boolean reaches(final TerminalIdentity who, final TerminalState terminal, final EnvelopeHeader header,
        final DestinationCache cache)
    {
        final boolean fromSelf = header.originEquals(who.terminalId());
        for (int i = 0; i < header.destinationCount(); i++)
        {
            final Destination d = cache.lookup(header, i);
            if (d != null && reaches(who, terminal, d, fromSelf))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean reaches(final TerminalIdentity session, final TerminalState terminal, final Destination d, final boolean fromSelf)
    {
        final Address a = d.address();
        switch (a.scheme())
        {
            case TERMINAL:
                return a.value().equals(session.terminalId());
            case CHANNEL:
                if (fromSelf)
                {
                    return false;
                }
                for (final ChannelPattern p : terminal.subscriptions())
                {
                    if (p.matches(a.value()))
                    {
                        return true;
                    }
                }
                return false;
            case REGION:
                return !fromSelf && session.regionCode().startsWith(a.value()) && a.acceptsKind(session.kind());
            case UP:
                return !fromSelf && session.isCommandPost() && a.value().startsWith(session.regionCode());
            default:
                return false;
        }
    }
}
