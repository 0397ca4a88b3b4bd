package io.emcomm.kafka.terminals;

/**
 * The keys of the terminals topic (the key scheme; issue 15 item 2, CLUSTER.md "emcomm.terminals"):
 * <pre>
 *   terminalId|claim              the newest claim of the terminal (compaction keeps the last); its offset is the epoch
 *   terminalId|epoch|cursor       the cursor and out-of-order acks written by the owner of that epoch
 *   terminalId|epoch|subs         the channel subscriptions written by the owner of that epoch
 * </pre>
 * The epoch is in the key so that compaction, which keeps the last record of each key, can never let a node
 * that lost the terminal (and writes into its own, older epoch) replace what the current owner wrote. Terminal
 * ids are {@code [A-Za-z0-9._-]{1,64}} (protocol.md section 3), so {@code '|'} never occurs in one; keys are
 * parsed from the right anyway. Immutable; any thread.
 *
 * @param terminalId the terminal
 * @param epoch      the epoch of a state key, or -1 for the claim key
 * @param field      which record this is
 */
public record TerminalKey(String terminalId, long epoch, Field field)
{
    /** What a key holds. */
    public enum Field
    {
        /** The claim: which node (and incarnation) owns the terminal from this record's offset on. */
        CLAIM("claim"),
        /** The cursor and the acknowledgements above it. */
        CURSOR("cursor"),
        /** The durable channel subscriptions. */
        SUBSCRIPTIONS("subs");

        private final String suffix;

        Field(final String suffix)
        {
            this.suffix = suffix;
        }
    }

    /**
     * The claim key of a terminal.
     *
     * @param terminalId the terminal
     * @return {@code terminalId|claim}
     */
    public static TerminalKey claim(final String terminalId)
    {
        return new TerminalKey(terminalId, -1, Field.CLAIM);
    }

    /**
     * A state key.
     *
     * @param terminalId the terminal
     * @param epoch      the claim offset of the owner writing it
     * @param field      {@link Field#CURSOR} or {@link Field#SUBSCRIPTIONS}
     * @return the key
     */
    public static TerminalKey state(final String terminalId, final long epoch, final Field field)
    {
        return new TerminalKey(terminalId, epoch, field);
    }

    /** @return the key as written to Kafka */
    public String encode()
    {
        return field == Field.CLAIM ? terminalId + "|" + field.suffix : terminalId + "|" + epoch + "|" + field.suffix;
    }

    /**
     * Parses a key read from the topic.
     *
     * @param key the record's key
     * @return the key, or null when it is not one of this scheme's (a record of another writer: skipped)
     */
    public static TerminalKey parse(final String key)
    {
        if (key == null)
        {
            return null;
        }
        final int last = key.lastIndexOf('|');
        if (last <= 0)
        {
            return null;
        }
        final String suffix = key.substring(last + 1);
        if (suffix.equals(Field.CLAIM.suffix))
        {
            return claim(key.substring(0, last));
        }
        final Field field = suffix.equals(Field.CURSOR.suffix) ? Field.CURSOR
            : suffix.equals(Field.SUBSCRIPTIONS.suffix) ? Field.SUBSCRIPTIONS : null;
        final int middle = key.lastIndexOf('|', last - 1);
        if (field == null || middle <= 0)
        {
            return null;
        }
        try
        {
            return state(key.substring(0, middle), Long.parseLong(key.substring(middle + 1, last)), field);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }
}
