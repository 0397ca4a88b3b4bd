package io.emcomm.cli;

import io.emcomm.router.journal.JournalExport;

import java.io.PrintWriter;

/**
 * Names each damaged journal entry that {@code journal export} or {@code replay --data} steps over, one line
 * on stderr as it is found ({@code emcomm journal export: damaged journal entry 12884901895: the envelope does
 * not parse: ...}), and counts them so that the command can exit 1 when it is done.
 */
final class DamageReport implements JournalExport.DamageListener
{
    private final String command;
    private final PrintWriter err;
    private long count;

    DamageReport(final String command, final PrintWriter err)
    {
        this.command = command;
        this.err = err;
    }

    @Override
    public void onDamaged(final long index, final String reason)
    {
        count++;
        err.println(command + ": damaged journal entry " + index + ": " + reason);
        err.flush();
    }

    /** The router skipped {@code skipped} damaged entries in a replay (REPLAY_END {@code damaged}); its log names them. */
    void skippedByRouter(final long skipped)
    {
        if (skipped > 0)
        {
            count += skipped;
            err.println(command + ": the router skipped " + skipped + " damaged journal entr" + (skipped == 1 ? "y" : "ies")
                + " (its log names each index)");
            err.flush();
        }
    }

    long count()
    {
        return count;
    }

    /** {@code ""}, or {@code "; 1 damaged entry skipped (run 'emcomm journal verify')"}. */
    String summary()
    {
        return count == 0 ? "" : "; " + count + " damaged entr" + (count == 1 ? "y" : "ies")
            + " skipped (run 'emcomm journal verify')";
    }
}
