package io.emcomm.router.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.TerminalKind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;

/**
 * Writes every journal entry as JSON lines or CSV, for after-action review in other tools. Both carry the
 * journal's metadata (index, time, origin kind and region) and the envelope's routing fields with a one-line
 * summary of the body; JSON lines also carry the envelope bytes (base64) so that nothing is lost, and, for a
 * message that came over a peer link (federation), its {@code ingress} (the peer's router id) after
 * {@code origin_region}; the field is absent for a message that entered at this router. CSV has no ingress column
 * (its columns are fixed).
 */
public final class JournalExport
{
    /** Output formats. */
    public enum Format
    {
        JSONL, CSV
    }

    /**
     * Compact JSON lines, fields in insertion order, control characters as six-character escapes in lower-case hex
     * (backspace and form feed too), as exports have always been written. Thread-safe once built.
     */
    private static final ObjectMapper JSON = JsonLines.newMapper();

    static final String CSV_HEADER = "index,journaled_at,origin,origin_sequence,origin_kind,origin_region,precedence,to,"
        + "created_at,expires_at,body,summary";

    private JournalExport()
    {
    }

    /** Told of each damaged entry an export (or a replay from disk) steps over. */
    @FunctionalInterface
    public interface DamageListener
    {
        /**
         * @param index  the damaged entry's journal index (decimal when printed)
         * @param reason what is wrong with it, in a few words
         */
        void onDamaged(long index, String reason);
    }

    /**
     * Exports the journal in {@code journalDir} to {@code out}. A damaged entry (its envelope or its header does
     * not parse) is not written: {@code onDamaged} is told its index and why, and the export carries on with the
     * next entry. An excerpt that Chronicle itself cannot read ends the export there, also through
     * {@code onDamaged} (the entries after it cannot be found without the file's own index; {@code emcomm
     * journal verify} names the file).
     *
     * @return entries written.
     */
    public static long export(final Path journalDir, final Format format, final Writer out, final DamageListener onDamaged)
    {
        long count = 0;
        long lastIndex = -1;
        final JournalEntry entry = new JournalEntry();
        final EnvelopeHeader header = new EnvelopeHeader();
        try (ChronicleJournal journal = ChronicleJournal.readOnly(journalDir); JournalReader reader = journal.newReader())
        {
            // Entries up to here were complete when the export began; the reader stopping short of it means an
            // excerpt it cannot get past (a running router may append more, which is exported if read in time).
            final long end = journal.lastIndex();
            boolean unreadable = false;
            reader.toStart();
            if (format == Format.CSV)
            {
                out.write(CSV_HEADER);
                out.write('\n');
            }
            while (true)
            {
                try
                {
                    if (!reader.next(entry))
                    {
                        break;
                    }
                }
                catch (final RuntimeException ex)
                {
                    onDamaged.onDamaged(lastIndex + 1, "the excerpt after index " + lastIndex + " cannot be read (" + ex
                        + "); nothing after it was exported (run 'emcomm journal verify')");
                    unreadable = true;
                    break;
                }
                lastIndex = entry.index();
                final Envelope e = parse(entry, header, onDamaged);
                if (e == null)
                {
                    continue;
                }
                out.write(format == Format.CSV ? csv(entry, e) : json(entry, e));
                out.write('\n');
                count++;
            }
            if (!unreadable && lastIndex < end)
            {
                onDamaged.onDamaged(lastIndex + 1, "the excerpt after index " + lastIndex + " cannot be read; entries up to "
                    + end + " were not exported (run 'emcomm journal verify')");
            }
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return count;
    }

    /**
     * Like {@link #export(Path, Format, Writer, DamageListener)}, for callers that want all or nothing: every
     * sound entry is written, then a damaged one fails the call.
     *
     * @throws IllegalStateException naming the index and reason of the first damaged entry
     */
    public static long export(final Path journalDir, final Format format, final Writer out)
    {
        final String[] first = {null};
        final long count = export(journalDir, format, out, (index, reason) ->
        {
            if (first[0] == null)
            {
                first[0] = "journal entry " + index + " is damaged: " + reason;
            }
        });
        if (first[0] != null)
        {
            throw new IllegalStateException(first[0]);
        }
        return count;
    }

    /**
     * What is wrong with a journal entry as read, or null when it is sound: its origin metadata, its envelope
     * (which must parse) and the envelope's routing header (which the router checked before journaling it).
     * {@code header} is left wrapped around the entry's envelope when the entry is sound.
     */
    public static String problem(final JournalEntry entry, final EnvelopeHeader header)
    {
        final String[] problem = {null};
        parse(entry, header, (index, reason) -> problem[0] = reason);
        return problem[0];
    }

    /** The entry's envelope, or null after telling {@code onDamaged} what is wrong with the entry. */
    private static Envelope parse(final JournalEntry entry, final EnvelopeHeader header, final DamageListener onDamaged)
    {
        if (entry.originKind() == 0 || TerminalKind.forNumber(entry.originKind()) == null)
        {
            onDamaged.onDamaged(entry.index(), "origin kind " + entry.originKind() + " is not a terminal kind");
            return null;
        }
        final String region = entry.originRegion();
        for (int i = 0; i < region.length(); i++)
        {
            if (region.charAt(i) < '0' || region.charAt(i) > '9')
            {
                onDamaged.onDamaged(entry.index(), "origin region '" + region + "' is not digits");
                return null;
            }
        }
        final Envelope e;
        try
        {
            e = Envelope.parseFrom(ByteBuffer.wrap(entry.envelope(), 0, entry.envelopeLength()));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            onDamaged.onDamaged(entry.index(), "the envelope does not parse: " + ex.getMessage());
            return null;
        }
        if (!header.wrap(entry.envelope(), 0, entry.envelopeLength()))
        {
            onDamaged.onDamaged(entry.index(), "the envelope's header is invalid: " + header.problem());
            return null;
        }
        return e;
    }

    /** One JSON line (no line break) of an entry whose envelope parsed; fields in the order the class comment gives. */
    static String json(final JournalEntry entry, final Envelope e)
    {
        final ObjectNode json = JSON.createObjectNode();
        json.put("index", entry.index());
        json.put("journaled_at", time(entry.journaledAtMicros()));
        json.put("origin", e.getOrigin());
        json.put("origin_sequence", e.getOriginSequence());
        json.put("origin_kind", kind(entry.originKind()));
        json.put("origin_region", entry.originRegion());
        if (!entry.ingressEquals(""))
        {
            // only for a message that came over a peer link, so exports of a router without links are unchanged
            json.put("ingress", entry.ingress());
        }
        json.put("precedence", precedence(e));
        final ArrayNode to = json.putArray("to");
        e.getToList().forEach(to::add);
        json.put("created_at", e.getCreatedAtMicros() == 0 ? null : time(e.getCreatedAtMicros()));
        json.put("expires_at", e.getExpiresAtMicros() == 0 ? null : time(e.getExpiresAtMicros()));
        json.put("body", body(e));
        json.put("summary", summary(e));
        json.put("envelope_base64", Base64.getEncoder().encodeToString(Arrays.copyOf(entry.envelope(), entry.envelopeLength())));
        try
        {
            return JSON.writeValueAsString(json);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("a tree of strings and numbers always writes", ex);
        }
    }

    static String csv(final JournalEntry entry, final Envelope e)
    {
        return entry.index() + "," + time(entry.journaledAtMicros()) + "," + cell(e.getOrigin()) + "," + e.getOriginSequence()
            + "," + kind(entry.originKind()) + "," + cell(entry.originRegion()) + "," + precedence(e) + ","
            + cell(String.join(" ", e.getToList())) + "," + (e.getCreatedAtMicros() == 0 ? "" : time(e.getCreatedAtMicros()))
            + "," + (e.getExpiresAtMicros() == 0 ? "" : time(e.getExpiresAtMicros())) + "," + body(e) + "," + cell(summary(e));
    }

    private static String time(final long micros)
    {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L).toString();
    }

    private static String kind(final int number)
    {
        final TerminalKind k = TerminalKind.forNumber(number);
        return k == null ? String.valueOf(number) : k.name().toLowerCase(Locale.ROOT);
    }

    private static String precedence(final Envelope e)
    {
        return switch (e.getPrecedence())
        {
            case FLASH -> "flash";
            case IMMEDIATE -> "immediate";
            case PRIORITY -> "priority";
            default -> "routine";
        };
    }

    private static String body(final Envelope e)
    {
        return e.getBodyCase().name().toLowerCase(Locale.ROOT);
    }

    private static String summary(final Envelope e)
    {
        return switch (e.getBodyCase())
        {
            case TEXT -> e.getText().getText();
            case POSITION -> String.format(Locale.ROOT, "%.6f,%.6f alt %.0f m", e.getPosition().getLat(), e.getPosition().getLon(),
                e.getPosition().getAltitudeM());
            case ALERT -> e.getAlert().getEvent() + " (" + e.getAlert().getSeverity() + "): " + e.getAlert().getHeadline()
                + (e.getAlert().getInstruction().isEmpty() ? "" : "; instruction: " + e.getAlert().getInstruction());
            case INCIDENT -> e.getIncident().getType() + " in " + e.getIncident().getRegionCode() + ": " + e.getIncident().getDescription();
            case TASK -> e.getTask().getTaskId() + ": " + e.getTask().getTitle()
                + (e.getTask().getInstruction().isEmpty() ? "" : "; instruction: " + e.getTask().getInstruction());
            case RECEIPT -> e.getReceipt().getStatus() + " for " + e.getReceipt().getMessageOrigin() + "/"
                + e.getReceipt().getMessageOriginSequence() + " at " + e.getReceipt().getTerminalId();
            case BODY_NOT_SET -> "";
        };
    }

    /** RFC 4180: quote a cell that holds a comma, quote or line break; double the quotes inside. */
    static String cell(final String s)
    {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0)
        {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
