package io.emcomm.router.admin;

import io.emcomm.router.session.Session;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * One row of the connected-terminals list in {@code /status} and {@code emcomm status} (docs/operations.md).
 * A snapshot taken on the admin thread; the counts may be a moment old by the time they are read.
 *
 * <p>The backlog is what the router holds in memory for the session: {@code queued} (waiting to be written)
 * and {@code unacked} (written, no DELIVERY_ACK yet). While {@code catchingUp} is true the session is still
 * reading older messages from the journal after {@code cursor}; those are not counted, since counting them
 * would mean reading the journal.
 *
 * @param remoteAddress   host:port of the terminal's connection
 * @param connectedSince  when the session logged in, ISO-8601 UTC to the second
 * @param cursor          the terminal's durable delivery cursor: a journal index (decimal); everything for the
 *                        terminal up to it is acknowledged; -1 when it was never moved past an empty journal
 */
record ConnectedTerminal(String id, String kind, String region, String remoteAddress, String connectedSince,
    int queued, int unacked, boolean catchingUp, long cursor)
{
    /** Rows for the given sessions, ordered by terminal id. */
    static List<ConnectedTerminal> of(final List<Session> sessions)
    {
        final List<ConnectedTerminal> rows = new ArrayList<>(sessions.size());
        for (final Session s : sessions)
        {
            rows.add(new ConnectedTerminal(s.terminalId(), s.kind().name().toLowerCase(Locale.ROOT), s.regionCode(),
                address(s.channel().remoteAddress()), s.connectedAt().truncatedTo(ChronoUnit.SECONDS).toString(),
                s.feed().queued(), s.feed().unacked(), !s.feed().isLive(), s.terminal().cursor()));
        }
        rows.sort(Comparator.comparing(ConnectedTerminal::id));
        return rows;
    }

    private static String address(final SocketAddress address)
    {
        if (address instanceof InetSocketAddress inet)
        {
            final String host = inet.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
        }
        return address == null ? "-" : address.toString(); // null once the connection has closed
    }
}
