package io.emcomm.router.sequence;

import io.emcomm.protocol.address.Address;
import io.emcomm.router.address.Destination;
import io.emcomm.router.route.TerminalDirectory;

/**
 * The {@code terminal:} destinations of a publish that name an id the router has never seen (PUBLISH_ACK field 6,
 * protocol.md 4.2), for the {@link Sequencer}. Stateless; the publisher's event loop.
 */
final class UnknownTerminals
{
    private UnknownTerminals()
    {
    }

    /**
     * Collects the {@code terminal:} destinations naming an id the router has never seen into {@code out}, as
     * the address text the publisher wrote ({@code terminal:veh-9}), each once. Allocates nothing: the strings
     * are the cached destinations' own.
     *
     * @return how many were collected.
     */
    static int collect(final TerminalDirectory directory, final Destination[] destinations, final int count,
        final String[] out)
    {
        int n = 0;
        for (int i = 0; i < count; i++)
        {
            final Address address = destinations[i].address();
            if (address.scheme() == Address.Scheme.TERMINAL && !directory.everSeen(address.value())
                && !contains(out, n, destinations[i].text()))
            {
                out[n++] = destinations[i].text();
            }
        }
        return n;
    }

    private static boolean contains(final String[] ids, final int n, final String id)
    {
        for (int i = 0; i < n; i++)
        {
            if (ids[i].equals(id))
            {
                return true;
            }
        }
        return false;
    }
}
