package io.emcomm.kafka.node;

import io.emcomm.kafka.terminals.KafkaCursorStore;
import io.emcomm.kafka.terminals.TerminalSnapshot;
import io.emcomm.router.admin.ClusterTerminal;
import io.emcomm.router.terminal.ClusterCursorStore;
import io.emcomm.router.terminal.TerminalState;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * A router node's cursor store on the site's terminals topic (issue 15 Deliver 2: every node serves every terminal):
 * the router's {@link ClusterCursorStore} over {@link KafkaCursorStore}, which keeps cursors, out-of-order acks and
 * subscriptions in the cluster, fenced by claim epochs. Opened by the {@link KafkaJournalBackend} on the journal's
 * cluster and topics; the router closes it.
 *
 * <p>Any thread, as the store. The lost-terminal listener the router sets later is read through a volatile field:
 * the store is opened (and its reader running) before the router's routing table exists.
 */
final class NodeTerminals implements ClusterCursorStore
{
    private final long claimTimeoutMs;
    private volatile TerminalLost listener;
    /** Claims made here (logins); status and metrics. */
    private final LongAdder claims = new LongAdder();
    /** Terminals this node owned that another node claimed (the store's lost-terminal calls); status and metrics. */
    private final LongAdder takeovers = new LongAdder();
    private KafkaCursorStore store;

    private NodeTerminals(final long claimTimeoutMs)
    {
        this.claimTimeoutMs = claimTimeoutMs;
    }

    /**
     * Opens the store (the calling thread waits until it has read the topic to its end).
     *
     * @param config the cluster, topics, node id and timings
     * @return the node's store
     * @throws io.emcomm.kafka.TopicRefused or {@link io.emcomm.kafka.ClusterFailure} as {@link KafkaCursorStore#open}
     */
    static NodeTerminals open(final io.emcomm.kafka.terminals.KafkaCursorStoreConfig config)
    {
        final NodeTerminals terminals = new NodeTerminals(config.claimTimeout().toMillis());
        terminals.store = KafkaCursorStore.open(config, (terminalId, newOwner, epoch) ->
        {
            terminals.takeovers.increment(); // counted whether or not a session was open here
            final TerminalLost l = terminals.listener;
            if (l != null)
            {
                l.terminalLost(terminalId, newOwner);
            }
        });
        return terminals;
    }

    /** @return terminal claims made on this node since it opened (one per login taken here); any thread */
    long claims()
    {
        return claims.sum();
    }

    /** @return terminals this node owned that another node claimed since it opened; any thread */
    long takeovers()
    {
        return takeovers.sum();
    }

    /** @return claims of this node that took a terminal from another node (see {@link KafkaCursorStore#failovers()}) */
    long failovers()
    {
        return store.failovers();
    }

    /** @return terminals whose newest claim is this node's; any thread */
    long terminalsHere()
    {
        return store.terminalsOwnedHere();
    }

    /** @return node id → terminals whose newest claim is that node's, sorted; any thread */
    Map<String, Long> terminalsByNode()
    {
        return store.terminalsByNode();
    }

    /**
     * Where a terminal is: its newest claim as read here. Any thread.
     *
     * @param terminalId the terminal
     * @return its place, or null when no claim of it was read
     */
    ClusterTerminal where(final String terminalId)
    {
        final TerminalSnapshot s = store.snapshot(terminalId);
        if (s == null || s.epoch() < 0)
        {
            return null;
        }
        return new ClusterTerminal(terminalId, s.owner(), s.epoch(),
            s.cursor() == null ? 0 : s.cursor().cursor(), s.subscriptions().size());
    }

    /** The store underneath, for tests and status. */
    KafkaCursorStore store()
    {
        return store;
    }

    @Override
    public CompletableFuture<TerminalState> claim(final String terminalId, final long initialCursor)
    {
        claims.increment();
        return store.claim(terminalId, initialCursor);
    }

    @Override
    public CompletableFuture<Boolean> changeSubscriptionCommitted(final TerminalState terminal, final String pattern,
        final boolean subscribed)
    {
        return store.changeSubscriptionCommitted(terminal, pattern, subscribed);
    }

    @Override
    public CompletableFuture<Void> flush(final TerminalState terminal)
    {
        return store.flush(terminal);
    }

    @Override
    public void onTerminalLost(final TerminalLost l)
    {
        listener = l;
    }

    @Override
    public long claimTimeoutMs()
    {
        return claimTimeoutMs;
    }

    @Override
    public TerminalState terminal(final String terminalId, final long initialCursor)
    {
        return store.terminal(terminalId, initialCursor);
    }

    @Override
    public Collection<TerminalState> terminals()
    {
        return store.terminals();
    }

    @Override
    public boolean contains(final String terminalId)
    {
        return store.contains(terminalId);
    }

    @Override
    public void recordCursor(final TerminalState terminal, final long cursor)
    {
        store.recordCursor(terminal, cursor);
    }

    @Override
    public void recordAck(final TerminalState terminal, final long index)
    {
        store.recordAck(terminal, index);
    }

    @Override
    public void recordSubscription(final TerminalState terminal, final String pattern, final boolean subscribed)
    {
        store.recordSubscription(terminal, pattern, subscribed);
    }

    @Override
    public void close()
    {
        store.close();
    }
}
