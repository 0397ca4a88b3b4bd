package io.emcomm.router.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * The acknowledgement deadlines of the FLASH messages written to one session (delivery.md, "Receipts and
 * non-delivery"; protocol.md section 7.5). The clock of a FLASH starts when it is written to the connection;
 * once {@code timeout} passes without an acknowledgement it is resent once, and when another {@code timeout}
 * passes it is reported as not delivered. A FLASH whose {@code expires_at} has passed by then is let go: no
 * resend, no report. FLASH is rare, so a plain list is enough; {@link #check} allocates only when something is
 * overdue. Event loop of the session only.
 */
final class FlashWatch
{
    /** What {@link #check} decides for each overdue FLASH; the feed carries it out. */
    interface Actions
    {
        /** The FLASH expired while waiting: count it and let it count as done for the cursor. */
        void expired(long index);

        /** First deadline missed: write the message again (its clock has restarted). */
        void resend(long index);

        /** Second deadline missed: tell the sender it was not delivered (and escalate). */
        void notDelivered(long index);
    }

    static final class Pending
    {
        final long index;
        /** The envelope's expires_at, 0 for never: past it the message is neither resent nor reported. */
        final long expiresAtMicros;
        long sentAtMicros;
        int attempts;

        Pending(final long index, final long sentAtMicros, final long expiresAtMicros)
        {
            this.index = index;
            this.sentAtMicros = sentAtMicros;
            this.expiresAtMicros = expiresAtMicros;
            this.attempts = 1;
        }

        boolean isExpiredAt(final long nowMicros)
        {
            return expiresAtMicros > 0 && nowMicros >= expiresAtMicros;
        }
    }

    private final List<Pending> pending = new ArrayList<>();

    /**
     * A FLASH was written at {@code nowMicros}. A message already watched (a resend being written) keeps its
     * entry: its clock was restarted by {@link #check}.
     */
    void sent(final long index, final long nowMicros, final long expiresAtMicros)
    {
        for (final Pending p : pending)
        {
            if (p.index == index)
            {
                return;
            }
        }
        pending.add(new Pending(index, nowMicros, expiresAtMicros));
    }

    /** Called for every acknowledgement, so it must not allocate: a plain loop, usually over nothing. */
    void acked(final long index)
    {
        for (int i = pending.size() - 1; i >= 0; i--)
        {
            if (pending.get(i).index == index)
            {
                pending.remove(i);
                return;
            }
        }
    }

    /**
     * Decides on every FLASH whose deadline has passed at {@code nowMicros}: expired ones are dropped, ones
     * written once are resent (their clock restarts now), ones resent already are dropped and reported.
     */
    void check(final long nowMicros, final long timeoutMicros, final Actions actions)
    {
        for (final Pending p : overdue(nowMicros, timeoutMicros))
        {
            if (p.isExpiredAt(nowMicros))
            {
                // protocol.md 7.5: an expired message is not delivered and gets no receipt, so no resend, no
                // NOT_DELIVERED and no escalation
                pending.remove(p);
                actions.expired(p.index);
            }
            else if (p.attempts == 1)
            {
                p.attempts = 2;
                p.sentAtMicros = nowMicros;
                actions.resend(p.index);
            }
            else
            {
                pending.remove(p);
                actions.notDelivered(p.index);
            }
        }
    }

    /** Entries older than the timeout. */
    private List<Pending> overdue(final long nowMicros, final long timeoutMicros)
    {
        List<Pending> overdue = null;
        for (final Pending p : pending)
        {
            if (nowMicros - p.sentAtMicros >= timeoutMicros)
            {
                if (overdue == null)
                {
                    overdue = new ArrayList<>();
                }
                overdue.add(p);
            }
        }
        return overdue == null ? List.of() : overdue;
    }

    /** FLASH messages written and not yet acknowledged, reported or let go. */
    int size()
    {
        return pending.size();
    }
}
