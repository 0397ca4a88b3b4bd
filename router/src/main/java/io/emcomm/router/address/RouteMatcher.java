package io.emcomm.router.address;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.router.journal.JournalEntry;
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

    /**
     * The catch-up side of a peer link (federation): true when the journaled entry crosses the link by the scope's
     * rules ({@link PeerScope#reaches(EnvelopeHeader, DestinationCache)}) and did not come over this same link (its
     * ingress is not the peer), exactly as the live route excludes the ingress peer. Allocation-free.
     *
     * @param scope  the link's scope
     * @param entry  the journal entry as read
     * @param header an envelope header wrapped over the entry's envelope
     * @param cache  the calling thread's destination cache
     */
    public static boolean reaches(final PeerScope scope, final JournalEntry entry, final EnvelopeHeader header,
        final DestinationCache cache)
    {
        return !entry.ingressEquals(scope.peerId()) && scope.reaches(header, cache);
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
