package io.emcomm.kafka.terminals;

import io.emcomm.router.terminal.TerminalState;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's writes to the terminals topic, all through one idempotent producer (so the records of one terminal,
 * in one partition, stay in the order they were sent): claims, batched cursor records, subscription sets, the copy
 * a new owner makes of what it took over, and tombstones. Claims and subscription changes complete when the
 * reader reads their record back ({@link #claimRead}, {@link #subscriptionsRead}); a send that fails completes them
 * exceptionally. Any thread except where noted.
 */
final class TerminalWriter
{
    private static final Logger LOG = LoggerFactory.getLogger(TerminalWriter.class);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String node;
    private final long instance;
    private final AtomicLong nonces = new AtomicLong();
    private final ConcurrentHashMap<Long, CompletableFuture<TerminalState>> claims = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, CompletableFuture<Void>> subscriptionWrites = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<TerminalSlot> dirty = new ConcurrentLinkedQueue<>();
    private final AtomicLong fenced = new AtomicLong();

    TerminalWriter(final Producer<String, byte[]> producer, final String topic, final String node, final long instance)
    {
        this.producer = producer;
        this.topic = topic;
        this.node = node;
        this.instance = instance;
    }

    String node()
    {
        return node;
    }

    long instance()
    {
        return instance;
    }

    /** Writes that were dropped because this node did not own the terminal. */
    long fencedWrites()
    {
        return fenced.get();
    }

    /**
     * Sends a claim; the future completes when the reader reads it back ({@link #claimRead}). A cursor record this
     * node owes the terminal (a session of it here, replaced by this login) is sent first, so the claim's takeover
     * includes it.
     */
    CompletableFuture<TerminalState> claim(final TerminalSlot slot, final long initialCursor)
    {
        flush(slot);
        final long nonce = nonces.incrementAndGet();
        final CompletableFuture<TerminalState> claimed = new CompletableFuture<>();
        claims.put(nonce, claimed);
        claimed.whenComplete((s, ex) -> claims.remove(nonce));
        send(slot.partition, TerminalKey.claim(slot.terminalId), new ClaimRecord(node, instance, nonce, initialCursor).encode(), claimed);
        return claimed;
    }

    /** The reader read this node's claim with {@code nonce}: the future to complete, or null when none waits. Reader thread. */
    CompletableFuture<TerminalState> claimRead(final long nonce)
    {
        return claims.remove(nonce);
    }

    /** A cursor record is due for the slot's terminal. Caller holds the slot's monitor. */
    void markDirty(final TerminalSlot slot)
    {
        if (!slot.dirty)
        {
            slot.dirty = true;
            dirty.add(slot);
        }
    }

    /** A write for a terminal not owned here, dropped. */
    void dropped()
    {
        fenced.incrementAndGet();
    }

    /** Writes every due cursor record. Reader thread (or close). */
    void flushDirty()
    {
        TerminalSlot slot;
        while ((slot = dirty.poll()) != null)
        {
            flush(slot);
        }
    }

    /**
     * Writes the terminal's cursor record now if one is due. Any thread.
     *
     * @return completes when the record is acknowledged by the cluster (at once when none was due); fails with the
     *     producer's exception (the record is then due again at the next flush)
     */
    CompletableFuture<Void> flush(final TerminalSlot slot)
    {
        synchronized (slot)
        {
            if (!slot.dirty)
            {
                return CompletableFuture.completedFuture(null);
            }
            slot.dirty = false;
            if (slot.epoch == TerminalSlot.NONE)
            {
                return CompletableFuture.completedFuture(null);
            }
            final long epoch = slot.epoch;
            final CompletableFuture<Void> written = new CompletableFuture<>();
            // sent under the monitor so two flushes of one terminal reach the partition in the order they were made
            send(slot.partition, TerminalKey.state(slot.terminalId, epoch, TerminalKey.Field.CURSOR),
                new CursorRecord(slot.cursor, slot.acks.toArray()).encode(), ex ->
                {
                    if (ex == null)
                    {
                        written.complete(null);
                    }
                    else
                    {
                        retryLater(slot, epoch, ex);
                        written.completeExceptionally(ex);
                    }
                });
            return written;
        }
    }

    private void retryLater(final TerminalSlot slot, final long epoch, final Exception ex)
    {
        LOG.warn("cursor record of {} not written, retried at the next flush: {}", slot.terminalId, ex.toString());
        synchronized (slot)
        {
            if (slot.epoch == epoch)
            {
                markDirty(slot);
            }
        }
    }

    /**
     * Writes the terminal's whole subscription set into this node's epoch. Caller holds the terminal's monitor (so
     * two changes reach the partition in the order they were made).
     *
     * @return completes when the reader reads the record back in the terminal's newest epoch; fails with
     *     {@link TerminalLost} when this node does not own the terminal or lost it before the record
     */
    CompletableFuture<Void> writeSubscriptions(final TerminalSlot slot, final List<String> patterns)
    {
        final CompletableFuture<Void> written = new CompletableFuture<>();
        synchronized (slot)
        {
            if (slot.epoch == TerminalSlot.NONE)
            {
                fenced.incrementAndGet();
                written.completeExceptionally(new TerminalLost("terminal " + slot.terminalId + " is not owned by node " + node));
                return written;
            }
            final long nonce = nonces.incrementAndGet();
            subscriptionWrites.put(nonce, written);
            written.whenComplete((v, ex) -> subscriptionWrites.remove(nonce));
            send(slot.partition, TerminalKey.state(slot.terminalId, slot.epoch, TerminalKey.Field.SUBSCRIPTIONS),
                new SubscriptionsRecord(instance, nonce, patterns).encode(), written);
        }
        return written;
    }

    /** This node's subscriptions record {@code nonce} was read: in the newest epoch, or fenced. Reader thread. */
    void subscriptionsRead(final long nonce, final boolean current, final String terminalId)
    {
        final CompletableFuture<Void> written = subscriptionWrites.remove(nonce);
        if (written == null)
        {
            return;
        }
        if (current)
        {
            written.complete(null);
        }
        else
        {
            written.completeExceptionally(new TerminalLost("terminal " + terminalId
                + " was claimed by another node before this node's subscription change"));
        }
    }

    /** Writes what a new owner took over into its own epoch, so older epochs may be deleted. Reader thread. */
    void copy(final TerminalSlot slot, final TerminalSnapshot takeover)
    {
        send(slot.partition, TerminalKey.state(slot.terminalId, takeover.epoch(), TerminalKey.Field.CURSOR),
            takeover.cursor().encode(), (Exception ex) -> logFailure("takeover copy", slot.terminalId, ex));
        send(slot.partition, TerminalKey.state(slot.terminalId, takeover.epoch(), TerminalKey.Field.SUBSCRIPTIONS),
            new SubscriptionsRecord(instance, 0, takeover.subscriptions()).encode(),
            (Exception ex) -> logFailure("takeover copy", slot.terminalId, ex));
    }

    /** Writes tombstones for the keys (older epochs', fenced records'). Reader thread. */
    void delete(final int partition, final List<TerminalKey> keys)
    {
        for (final TerminalKey key : keys)
        {
            send(partition, key, null, (Exception ex) -> logFailure("tombstone", key.encode(), ex));
        }
    }

    private void send(final int partition, final TerminalKey key, final byte[] value, final CompletableFuture<?> failOnError)
    {
        send(partition, key, value, ex ->
        {
            if (ex != null)
            {
                failOnError.completeExceptionally(ex);
            }
        });
    }

    /** Told how a send ended: null when the cluster acknowledged the record. */
    private interface Sent
    {
        void sent(Exception ex);
    }

    private void send(final int partition, final TerminalKey key, final byte[] value, final Sent sent)
    {
        try
        {
            producer.send(new ProducerRecord<>(topic, partition, key.encode(), value), (metadata, ex) -> sent.sent(ex));
        }
        catch (final RuntimeException ex)
        {
            // closed, or metadata not available within max.block.ms
            sent.sent(ex);
        }
    }

    private static void logFailure(final String what, final String of, final Exception ex)
    {
        if (ex != null)
        {
            // a copy not written leaves the older epochs, which the next takeover merges; a tombstone, a key to delete later
            LOG.warn("{} of {} not written: {}", what, of, ex.toString());
        }
    }

    /** Fails every claim and subscription change still waiting. */
    void failWaiting(final Exception why)
    {
        claims.values().forEach(f -> f.completeExceptionally(why));
        subscriptionWrites.values().forEach(f -> f.completeExceptionally(why));
    }
}
