package io.emcomm.router.journal;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.TerminalKind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;

/**
 * Writes every journal entry as JSON lines or CSV, for after-action review in other tools. Both carry the
 * journal's metadata (index, time, origin kind and region) and the envelope's routing fields with a one-line
 * summary of the body; JSON lines also carry the envelope bytes (base64) so that nothing is lost.
 */
public final class JournalExport
{
    /** Output formats. */
    public enum Format
    {
        JSONL, CSV
    }

    static final String CSV_HEADER = "index,journaled_at,origin,origin_sequence,origin_kind,origin_region,precedence,to,"
        + "created_at,expires_at,body,summary";

    private JournalExport()
    {
    }

    /**
     * Exports the journal in {@code journalDir} to {@code out}.
     *
     * @return entries written.
     * @throws IllegalStateException naming the index of an entry whose envelope does not parse.
     */
    public static long export(final Path journalDir, final Format format, final Writer out)
    {
        long count = 0;
        final JournalEntry entry = new JournalEntry();
        try (ChronicleJournal journal = new ChronicleJournal(journalDir); JournalReader reader = journal.newReader())
        {
            reader.toStart();
            if (format == Format.CSV)
            {
                out.write(CSV_HEADER);
                out.write('\n');
            }
            while (reader.next(entry))
            {
                final Envelope e = parse(entry);
                out.write(format == Format.CSV ? csv(entry, e) : json(entry, e));
                out.write('\n');
                count++;
            }
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return count;
    }

    private static Envelope parse(final JournalEntry entry)
    {
        try
        {
            return Envelope.parseFrom(ByteBuffer.wrap(entry.envelope(), 0, entry.envelopeLength()));
        }
        catch (final InvalidProtocolBufferException ex)
        {
            throw new IllegalStateException("journal entry " + entry.index() + " does not parse: " + ex.getMessage()
                + " (run 'emcomm journal verify')");
        }
    }

    static String json(final JournalEntry entry, final Envelope e)
    {
        final StringBuilder b = new StringBuilder(256);
        b.append("{\"index\":").append(entry.index())
            .append(",\"journaled_at\":").append(quote(time(entry.journaledAtMicros())))
            .append(",\"origin\":").append(quote(e.getOrigin()))
            .append(",\"origin_sequence\":").append(e.getOriginSequence())
            .append(",\"origin_kind\":").append(quote(kind(entry.originKind())))
            .append(",\"origin_region\":").append(quote(entry.originRegion()))
            .append(",\"precedence\":").append(quote(precedence(e)))
            .append(",\"to\":[");
        for (int i = 0; i < e.getToCount(); i++)
        {
            b.append(i == 0 ? "" : ",").append(quote(e.getTo(i)));
        }
        b.append("],\"created_at\":").append(e.getCreatedAtMicros() == 0 ? "null" : quote(time(e.getCreatedAtMicros())))
            .append(",\"expires_at\":").append(e.getExpiresAtMicros() == 0 ? "null" : quote(time(e.getExpiresAtMicros())))
            .append(",\"body\":").append(quote(body(e)))
            .append(",\"summary\":").append(quote(summary(e)))
            .append(",\"envelope_base64\":\"")
            .append(Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(entry.envelope(), entry.envelopeLength())))
            .append("\"}");
        return b.toString();
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
            case ALERT -> e.getAlert().getEvent() + " (" + e.getAlert().getSeverity() + "): " + e.getAlert().getHeadline();
            case INCIDENT -> e.getIncident().getType() + " in " + e.getIncident().getRegionCode() + ": " + e.getIncident().getDescription();
            case TASK -> e.getTask().getTaskId() + ": " + e.getTask().getTitle();
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

    static String quote(final String s)
    {
        final StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++)
        {
            final char ch = s.charAt(i);
            switch (ch)
            {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default ->
                {
                    if (ch < 0x20)
                    {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int)ch));
                    }
                    else
                    {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"').toString();
    }
}
