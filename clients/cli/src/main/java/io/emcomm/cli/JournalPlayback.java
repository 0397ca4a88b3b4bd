package io.emcomm.cli;

import io.emcomm.client.ClientOptions;
import io.emcomm.client.Delivery;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.client.PublishRejectedException;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalExport;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.replay.ReplayFilter;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * After-action playback: re-publishes journaled messages into a (training) router, optionally with the gaps
 * they originally had. Each original origin logs in as its own terminal, named {@code origin + suffix}, with
 * the kind and region the journal recorded for it, so region and chain-of-command routing behave as they
 * did; the target router numbers the sequences afresh. {@code created_at} and {@code expires_at} are moved by
 * the time between the first original message and the start of playback, so lifetimes are kept and nothing
 * arrives already expired. Messages the router itself originated (receipts, escalations) are skipped: the
 * target router makes its own. Publishes are sent one at a time, each waiting for its ack, so journal order
 * is kept. Every origin logs in with the same TLS settings and credential ({@code access}); a router that
 * authenticates each terminal therefore accepts a playback of one origin ({@code --origin}) at a time.
 */
final class JournalPlayback
{
    /** Result of one playback. */
    record Result(long published, long skipped, int terminals)
    {
    }

    private final Path journalDir;
    private final Converters.HostPort into;
    private final UnaryOperator<ClientOptions.Builder> access;
    private final String suffix;
    private final boolean originalPace;

    /** @param access adds TLS and the credential to each login ({@link RouterAccessOptions}) */
    JournalPlayback(final Path journalDir, final Converters.HostPort into, final UnaryOperator<ClientOptions.Builder> access,
        final String suffix, final boolean originalPace)
    {
        this.journalDir = journalDir;
        this.into = into;
        this.access = access;
        this.suffix = suffix;
        this.originalPace = originalPace;
    }

    /** Re-publishes; a damaged entry is not re-published but named to {@code onDamaged}. */
    Result run(final ReplayRequest request, final Consumer<Delivery> printer, final JournalExport.DamageListener onDamaged)
        throws InterruptedException
    {
        final ReplayFilter filter = ReplayFilter.of(request);
        final JournalEntry entry = new JournalEntry();
        final EnvelopeHeader header = new EnvelopeHeader();
        final Map<String, EmcommClient> terminals = new LinkedHashMap<>();
        long published = 0;
        long skipped = 0;
        long firstAtMicros = Long.MIN_VALUE;
        long startNanos = 0;
        long shiftMicros = 0;
        try (Journal journal = ChronicleJournal.readOnly(journalDir); JournalReader reader = journal.newReader())
        {
            reader.seekAtOrAfter(request.getFromIndex());
            final long end = request.getToIndex() == 0 ? journal.lastIndex() : Math.min(request.getToIndex(), journal.lastIndex());
            while ((request.getLimit() == 0 || published < request.getLimit()) && reader.next(entry) && entry.index() <= end)
            {
                final String damage = JournalExport.problem(entry, header);
                if (damage != null)
                {
                    onDamaged.onDamaged(entry.index(), damage);
                    continue;
                }
                if (!filter.matches(entry, header))
                {
                    continue;
                }
                if (entry.originRegion().isEmpty())
                {
                    skipped++; // originated by the router (receipt, escalation)
                    continue;
                }
                if (firstAtMicros == Long.MIN_VALUE)
                {
                    firstAtMicros = entry.journaledAtMicros();
                    startNanos = System.nanoTime();
                    shiftMicros = System.currentTimeMillis() * 1000 - firstAtMicros;
                }
                if (originalPace)
                {
                    final long dueNanos = startNanos + (entry.journaledAtMicros() - firstAtMicros) * 1000;
                    final long waitNanos = dueNanos - System.nanoTime();
                    if (waitNanos > 0)
                    {
                        TimeUnit.NANOSECONDS.sleep(waitNanos); // the original gap: pacing, not synchronisation
                    }
                }
                final Envelope original = parse(entry);
                final EmcommClient client = terminals.computeIfAbsent(original.getOrigin(),
                    origin -> connect(origin, entry.originKind(), entry.originRegion()));
                final Envelope.Builder copy = original.toBuilder();
                if (copy.getCreatedAtMicros() != 0)
                {
                    copy.setCreatedAtMicros(copy.getCreatedAtMicros() + shiftMicros);
                }
                if (copy.getExpiresAtMicros() != 0)
                {
                    copy.setExpiresAtMicros(copy.getExpiresAtMicros() + shiftMicros);
                }
                publish(client, copy, entry.index());
                published++;
                printer.accept(Delivery.of(io.emcomm.protocol.wire.Delivery.newBuilder().setJournalIndex(entry.index())
                    .setJournaledAtMicros(entry.journaledAtMicros()).setEnvelope(original).build()));
            }
        }
        finally
        {
            for (final EmcommClient c : terminals.values())
            {
                c.close();
            }
        }
        return new Result(published, skipped, terminals.size());
    }

    private EmcommClient connect(final String origin, final int kind, final String region)
    {
        final String id = origin + suffix;
        try
        {
            return EmcommClient.connect(access.apply(ClientOptions.builder()
                .router(into.host(), into.port())
                .terminal(id, TerminalKind.forNumber(kind), region)
                .clientName("emcomm-cli/0.1 playback")
                .autoAck(false)) // it only publishes: what the router delivers to this id stays there, unseen and unacked
                .build());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new CliFailure("cannot replay origin '" + origin + "' as '" + id + "': " + ex.getMessage());
        }
        catch (final EmcommException ex)
        {
            throw new CliFailure("cannot log in to " + into.host() + ":" + into.port() + " as '" + id + "': " + ex.getMessage());
        }
    }

    private static void publish(final EmcommClient client, final Envelope.Builder envelope, final long index)
        throws InterruptedException
    {
        try
        {
            client.publish(envelope).get(30, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause();
            throw new CliFailure("journal entry " + index + " was refused by the target router: "
                + (cause instanceof PublishRejectedException ? cause.getMessage() : String.valueOf(cause)));
        }
        catch (final TimeoutException ex)
        {
            throw new CliFailure("journal entry " + index + ": no ack from the target router within 30 s");
        }
    }

    private static Envelope parse(final JournalEntry entry)
    {
        try
        {
            return Envelope.parseFrom(ByteBuffer.wrap(entry.envelope(), 0, entry.envelopeLength()));
        }
        catch (final com.google.protobuf.InvalidProtocolBufferException ex)
        {
            throw new CliFailure("journal entry " + entry.index() + " does not parse: " + ex.getMessage());
        }
    }
}
