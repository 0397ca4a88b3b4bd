package io.emcomm.router.journal;

/**
 * Where the journal's readers stand, for retention: the reader with the lowest durable cursor that still needs the
 * journal (docs/operations.md, "Retention"). The router implements it over its terminals' cursors, so the journal
 * does not depend on them. Called on the retention thread ({@code emcomm-ops}).
 */
@FunctionalInterface
public interface RetentionFloor
{
    /** The reader that holds the journal back: its id and its durable cursor (a journal index, or -1 for none yet). */
    record Laggard(String readerId, long cursor)
    {
    }

    /** The laggard now, or null when no reader needs anything from the journal. */
    Laggard lowest();
}
