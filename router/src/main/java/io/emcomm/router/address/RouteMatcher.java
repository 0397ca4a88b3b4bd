package io.emcomm.router.address;

import io.emcomm.router.route.LocalRoutingTable;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.router.session.Session;

/**
 * The routing rules seen from one terminal: would a journaled message have reached this session? Used
 * when a terminal catches up from the journal, so it must agree exactly with {@link LocalRoutingTable}
 * (the routing tests exercise both paths with the same expectations).
 */
public final class RouteMatcher
{
    private RouteMatcher()
    {
    }

    /** True when the wrapped envelope is addressed to the session by any of its destinations. */
    public static boolean reaches(final Session session, final EnvelopeHeader header, final DestinationCache cache)
    {
        final boolean fromSelf = header.originEquals(session.terminalId());
        for (int i = 0; i < header.destinationCount(); i++)
        {
            final Destination d = cache.lookup(header, i);
            if (d != null && reaches(session, d, fromSelf))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean reaches(final Session session, final Destination d, final boolean fromSelf)
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
                for (final ChannelPattern p : session.terminal().subscriptions())
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
