package io.emcomm.router.delivery;

import java.util.ArrayList;
import java.util.List;

/**
 * FLASH messages written to one session and not yet acknowledged, with when they were sent. FLASH is
 * rare, so a plain list is enough. Event loop only.
 */
final class FlashWatch
{
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

    /** Entries older than the timeout; the caller resends or gives up on each. */
    List<Pending> overdue(final long nowMicros, final long timeoutMicros)
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

    void remove(final Pending p)
    {
        pending.remove(p);
    }

    int size()
    {
        return pending.size();
    }
}
