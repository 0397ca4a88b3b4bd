package io.emcomm.router.terminal;

import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;

import java.util.ArrayList;
import java.util.List;

/**
 * What the router keeps about one terminal id across its sessions: the durable delivery cursor (every
 * message for the terminal up to and including it is acknowledged), the ledger of messages above it, its
 * durable channel subscriptions, and the index of its last position report.
 *
 * <p>Ownership: each login {@linkplain #claim() claims} the terminal and gets a new owner epoch. Only the feed
 * holding the current epoch may change the ledger, the cursor or anything else here; a feed of a session that
 * was replaced (or whose teardown runs late, after a quick reconnect) is no longer the owner and changes
 * nothing. That is what keeps two sessions of one terminal from undoing each other's work.
 *
 * <p>Guarded by its own monitor; the owning session's feed and the cursor store are the only users.
 */
public final class TerminalState
{
    private final String terminalId;
    private long cursor;
    private final AckWindow ledger = new AckWindow(64);
    private final List<ChannelPattern> subscriptions = new ArrayList<>();
    private volatile ChannelPattern[] subscriptionArray = new ChannelPattern[0];
    private volatile long lastPositionIndex = -1;
    private volatile String regionCode = "";
    /** Incremented at each login; guarded by this object's monitor. */
    private long ownerEpoch;
    /** Serialises cursor records so that they only ever move forward on disk; never held with the monitor. */
    private final Object recordLock = new Object();
    private long recordedCursor = Long.MIN_VALUE;

    TerminalState(final String terminalId, final long cursor)
    {
        this.terminalId = terminalId;
        this.cursor = cursor;
    }

    /**
     * What was sent to this terminal and acknowledged ahead of its cursor. Guarded by this terminal's monitor
     * together with the owner epoch (see {@link #ownedBy(long)}).
     */
    public AckWindow ackWindow()
    {
        return ledger;
    }

    public String terminalId()
    {
        return terminalId;
    }

    public synchronized long cursor()
    {
        return cursor;
    }

    public synchronized void cursor(final long cursor)
    {
        this.cursor = cursor;
    }

    /**
     * Makes the caller the owner of this terminal (a login). Every earlier owner loses its right to change
     * the terminal's state from now on. Caller holds the monitor.
     *
     * @return the new owner epoch, at least 1.
     */
    public long claim()
    {
        return ++ownerEpoch;
    }

    /** Whether {@code epoch} is the current owner's. Caller holds the monitor. */
    public boolean ownedBy(final long epoch)
    {
        return ownerEpoch == epoch;
    }

    /**
     * Writes a cursor move to the store unless a larger cursor is already written: two feeds of this terminal
     * (one just replaced) may persist outside the monitor in either order, and the store must never go back.
     */
    public void recordCursor(final CursorStore store, final long cursor)
    {
        synchronized (recordLock)
        {
            if (cursor > recordedCursor)
            {
                store.recordCursor(this, cursor);
                recordedCursor = cursor;
            }
        }
    }

    /**
     * Forgets which cursor was last written, so the next move is written whatever it is (a cluster claim reset this
     * terminal to the cluster's state, which may lie below a cursor this node wrote in an epoch that was then fenced;
     * the store keeps its own records monotonic within an epoch). Any thread.
     */
    public void resetRecordedCursor()
    {
        synchronized (recordLock)
        {
            recordedCursor = Long.MIN_VALUE;
        }
    }

    /** The durable channel subscriptions, as an array safe to iterate from any thread. */
    public ChannelPattern[] subscriptions()
    {
        return subscriptionArray;
    }

    /**
     * Adds a channel subscription (protocol.md 5.2) unless an equal pattern is there or it does not parse. Any
     * thread; under this terminal's monitor.
     * @return true when it was added
     */
    public synchronized boolean subscribe(final String pattern)
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

    /**
     * Removes a channel subscription. Any thread; under this terminal's monitor.
     * @return true when it was there
     */
    public synchronized boolean unsubscribe(final String pattern)
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
