package io.emcomm.router.receipt;

import io.emcomm.router.sequence.Sequencer;
import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DeliveryEvents;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.journal.DedupeWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Turns delivery outcomes into messages from the router: a delivery receipt to an origin that asked for
 * them, a non-delivery receipt when a FLASH message went unacknowledged, and (configurably) the same
 * message escalated up the destination's chain of command. They are journaled and routed like any
 * message, so an origin that is offline gets them when it reconnects. Control plane: allocates.
 */
public final class ReceiptPublisher implements DeliveryEvents
{
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptPublisher.class);

    private final Journal journal;
    private final Sequencer sequencer;
    private final DedupeWindow routerOrigin;
    private final RouterCounters counters;
    private final LongSupplier clockMicros;
    private final boolean escalate;

    /**
     * Publishes receipts through the sequencer as envelopes from the router's own origin (protocol.md section 7).
     * @param escalate whether an unacknowledged FLASH is also sent up the chain of command
     */
    public ReceiptPublisher(final Journal journal, final Sequencer sequencer, final DedupeWindow routerOrigin,
        final RouterCounters counters, final LongSupplier clockMicros, final boolean escalate)
    {
        this.journal = journal;
        this.sequencer = sequencer;
        this.routerOrigin = routerOrigin;
        this.counters = counters;
        this.clockMicros = clockMicros;
        this.escalate = escalate;
    }

    @Override
    public void delivered(final long index, final String terminalId)
    {
        final Envelope original = read(index);
        if (original == null)
        {
            return;
        }
        counters.incReceipts();
        publish(receipt(original, index, terminalId, Receipt.Status.DELIVERED));
    }

    @Override
    public void notDelivered(final long index, final String terminalId, final String terminalRegion)
    {
        final Envelope original = read(index);
        if (original == null)
        {
            return;
        }
        counters.incNonDeliveryReceipts();
        LOG.info("FLASH {} not acknowledged by {}: non-delivery receipt to {}{}", index, terminalId,
            original.getOrigin(), escalate ? ", escalated up:" + terminalRegion : "");
        publish(receipt(original, index, terminalId, Receipt.Status.NOT_DELIVERED));
        if (escalate && !terminalRegion.isEmpty())
        {
            publish(original.toBuilder().clearTo().addTo("up:" + terminalRegion)
                .setCreatedAtMicros(clockMicros.getAsLong()).setWantReceipts(false));
        }
    }

    private Envelope.Builder receipt(final Envelope original, final long index, final String terminalId, final Receipt.Status status)
    {
        return Envelope.newBuilder()
            .addTo("terminal:" + original.getOrigin())
            .setPrecedence(original.getPrecedence())
            .setCreatedAtMicros(clockMicros.getAsLong())
            .setReceipt(Receipt.newBuilder()
                .setMessageOrigin(original.getOrigin())
                .setMessageOriginSequence(original.getOriginSequence())
                .setJournalIndex(index)
                .setTerminalId(terminalId)
                .setStatus(status)
                .setAtMicros(clockMicros.getAsLong()));
    }

    private void publish(final Envelope.Builder envelope)
    {
        if (sequencer.publishInternal(routerOrigin, envelope) == Journal.NOT_JOURNALED)
        {
            LOG.warn("could not journal a receipt to {}", envelope.getToList());
        }
    }

    private Envelope read(final long index)
    {
        try (JournalReader reader = journal.newReader())
        {
            reader.seekAtOrAfter(index);
            final JournalEntry entry = new JournalEntry();
            if (!reader.next(entry) || entry.index() != index)
            {
                return null;
            }
            return Envelope.parseFrom(Arrays.copyOf(entry.envelope(), entry.envelopeLength()));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            LOG.warn("journal entry {} does not parse: {}", index, ex.getMessage());
            return null;
        }
    }
}
