package io.emcomm.router.delivery;

import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;

import java.util.ArrayList;
import java.util.List;

/**
 * What the router keeps about one terminal id across its sessions: the durable delivery cursor (every
 * message for the terminal up to and including it is acknowledged), the ledger of messages above it, its
 * durable channel subscriptions, and the index of its last position report.
 *
 * <p>Guarded by its own monitor; the live session's feed and the cursor store are the only users.
 */
public final class TerminalState
{
    private final String terminalId;
    private long cursor;
    final Ledger ledger = new Ledger(64);
    private final List<ChannelPattern> subscriptions = new ArrayList<>();
    private volatile ChannelPattern[] subscriptionArray = new ChannelPattern[0];
    private volatile long lastPositionIndex = -1;
    private volatile String regionCode = "";

    TerminalState(final String terminalId, final long cursor)
    {
        this.terminalId = terminalId;
        this.cursor = cursor;
    }

    public String terminalId()
    {
        return terminalId;
    }

    public synchronized long cursor()
    {
        return cursor;
    }

    synchronized void cursor(final long cursor)
    {
        this.cursor = cursor;
    }

    /** The durable channel subscriptions, as an array safe to iterate from any thread. */
    public ChannelPattern[] subscriptions()
    {
        return subscriptionArray;
    }

    synchronized boolean subscribe(final String pattern)
    {
        for (final ChannelPattern p : subscriptions)
        {
            if (p.pattern().equals(pattern))
            {
                return false;
            }
        }
        try
        {
            subscriptions.add(ChannelPattern.parse(pattern));
        }
        catch (final AddressException ex)
        {
            return false;
        }
        subscriptionArray = subscriptions.toArray(new ChannelPattern[0]);
        return true;
    }

    synchronized boolean unsubscribe(final String pattern)
    {
        final boolean removed = subscriptions.removeIf(p -> p.pattern().equals(pattern));
        subscriptionArray = subscriptions.toArray(new ChannelPattern[0]);
        return removed;
    }

    public long lastPositionIndex()
    {
        return lastPositionIndex;
    }

    public void lastPositionIndex(final long index)
    {
        lastPositionIndex = index;
    }

    public String regionCode()
    {
        return regionCode;
    }

    public void regionCode(final String regionCode)
    {
        this.regionCode = regionCode;
    }
}
