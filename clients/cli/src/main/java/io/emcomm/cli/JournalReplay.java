package io.emcomm.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.client.Delivery;
import io.emcomm.client.ReplayResult;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalExport;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.replay.ReplayFilter;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Replays straight from a router's journal folder, with the router's own filter, so that {@code replay
 * --data} and {@code replay --router} select the same entries. Safe beside a running router: Chronicle
 * readers do not disturb its writer. A damaged entry is not skipped in silence: {@code onDamaged} is told its
 * index and what is wrong, and the replay carries on past it.
 */
final class JournalReplay
{
    private JournalReplay()
    {
    }

    static ReplayResult replay(final Path dataDir, final ReplayRequest query, final Consumer<Delivery> sink,
        final JournalExport.DamageListener onDamaged)
    {
        // The router's checks want the id that marks replay items on the wire; here there is no wire.
        final ReplayRequest request = query.getRequestId() != 0 ? query : query.toBuilder().setRequestId(1).build();
        final Path journalDir = RouterConfig.builder().dataDir(dataDir).build().journalDir();
        if (!Files.isDirectory(journalDir))
        {
            throw new CliFailure("no journal at " + journalDir + " (--data takes the router's data folder)");
        }
        final String problem = ReplayFilter.problem(request);
        if (problem != null)
        {
            throw new CliFailure("bad replay request: " + problem);
        }
        final ReplayFilter filter = ReplayFilter.of(request);
        final JournalEntry entry = new JournalEntry();
        final EnvelopeHeader header = new EnvelopeHeader();
        long count = 0;
        long lastIndex = 0;
        try (Journal journal = ChronicleJournal.readOnly(journalDir); JournalReader reader = journal.newReader())
        {
            final long last = journal.lastIndex();
            final long end = request.getToIndex() == 0 ? last : Math.min(request.getToIndex(), last);
            reader.seekAtOrAfter(request.getFromIndex());
            long readTo = request.getFromIndex() - 1;
            while (request.getLimit() == 0 || count < request.getLimit())
            {
                try
                {
                    if (!reader.next(entry))
                    {
                        if (readTo < end)
                        {
                            onDamaged.onDamaged(readTo + 1, "the excerpt after index " + readTo
                                + " cannot be read; entries up to " + end + " were not replayed (run 'emcomm journal verify')");
                        }
                        break;
                    }
                }
                catch (final RuntimeException ex)
                {
                    onDamaged.onDamaged(readTo + 1, "the excerpt after index " + readTo + " cannot be read (" + ex
                        + "); nothing after it was replayed (run 'emcomm journal verify')");
                    break;
                }
                if (entry.index() > end)
                {
                    break;
                }
                readTo = entry.index();
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
                sink.accept(Delivery.of(io.emcomm.protocol.wire.Delivery.newBuilder()
                    .setReplayRequestId(request.getRequestId())
                    .setJournalIndex(entry.index())
                    .setJournaledAtMicros(entry.journaledAtMicros())
                    .setEnvelope(parse(entry))
                    .build()));
                count++;
                lastIndex = entry.index();
            }
        }
        return new ReplayResult(List.of(), count, lastIndex);
    }

    private static Envelope parse(final JournalEntry entry)
    {
        try
        {
            return Envelope.parseFrom(ByteBuffer.wrap(entry.envelope(), 0, entry.envelopeLength()));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            throw new CliFailure("journal entry " + entry.index() + " does not parse: " + ex.getMessage());
        }
    }
}
