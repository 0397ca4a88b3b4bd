package io.emcomm.router.crash;

import io.emcomm.protocol.wire.PublishAck;

import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One origin's record of what it sent and what the router acknowledged, across router crashes: the
 * client-side truth that the journal is checked against.
 */
public final class Ledger
{
    private final String origin;
    private final NavigableSet<Long> sent = new ConcurrentSkipListSet<>();
    private final Map<Long, PublishAck> acks = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();

    public Ledger(final String origin)
    {
        this.origin = origin;
    }

    public String origin()
    {
        return origin;
    }

    void markSent(final long sequence)
    {
        sent.add(sequence);
    }

    /** Records an ack; a second ack for a sequence must carry the same index (it is a duplicate). */
    void recordAck(final PublishAck ack)
    {
        final PublishAck earlier = acks.putIfAbsent(ack.getOriginSequence(), ack);
        if (earlier != null && earlier.getJournalIndex() != ack.getJournalIndex())
        {
            problems.add("seq " + ack.getOriginSequence() + " acked with index " + earlier.getJournalIndex()
                + " and later with " + ack.getJournalIndex());
        }
        if (earlier != null && !ack.getDuplicate())
        {
            problems.add("seq " + ack.getOriginSequence() + " acked twice without duplicate=true");
        }
    }

    void recordProblem(final String problem)
    {
        problems.add(problem);
    }

    public long highestSent()
    {
        return sent.isEmpty() ? 0 : sent.last();
    }

    public long highestAcked()
    {
        long highest = 0;
        for (final Long seq : acks.keySet())
        {
            highest = Math.max(highest, seq);
        }
        return highest;
    }

    /** Sent but never acknowledged, in ascending order: what a client must retry after reconnecting. */
    public NavigableSet<Long> unacked()
    {
        final NavigableSet<Long> result = new ConcurrentSkipListSet<>(sent);
        result.removeAll(acks.keySet());
        return result;
    }

    public Map<Long, PublishAck> acks()
    {
        return acks;
    }

    public NavigableSet<Long> sent()
    {
        return sent;
    }

    /** Nacks, second acks with another index, and the like; empty when all went well. */
    public List<String> problems()
    {
        return problems;
    }
}
