package io.emcomm.cli;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.journal.JournalExport;
import io.emcomm.router.journal.JournalVerifier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code emcomm journal export|verify}: tools that work on a router's data folder directly. */
@Command(
    name = "journal",
    mixinStandardHelpOptions = true,
    description = "Work on a router's journal folder directly (safe beside a running router).",
    subcommands = {JournalCommand.Export.class, JournalCommand.Verify.class},
    synopsisSubcommandLabel = "(export | verify)")
final class JournalCommand implements Runnable
{
    @Spec
    CommandSpec spec;

    @Override
    public void run()
    {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "a journal command is required: export or verify");
    }

    static Path journalDir(final Path data)
    {
        final Path dir = RouterConfig.builder().dataDir(data).build().journalDir();
        if (!Files.isDirectory(dir))
        {
            throw new CliFailure("no journal at " + dir + " (--data takes the router's data folder)");
        }
        return dir;
    }

    /** {@code emcomm journal export}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
        description = {
            "Write every journal entry to stdout as JSON lines or CSV, in journal order.",
            "JSON lines carry the envelope bytes (base64) as well; CSV has a header row. A damaged entry is named "
                + "on stderr (index and reason) and left out; the export carries on past it and exits 1 at the end."},
        footer = {"", "Example:", "  emcomm journal export --data ./data --format csv > journal.csv"})
    static final class Export implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR", required = true, description = "The router's data folder.")
        Path data;

        @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl",
            description = "jsonl or csv (default: ${DEFAULT-VALUE}).")
        JournalExport.Format format;

        @Override
        public Integer call()
        {
            final Path dir = journalDir(data);
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final DamageReport damage = new DamageReport(spec.qualifiedName(), err);
            final long count = JournalExport.export(dir, format, out, damage);
            err.println("exported " + count + " entr" + (count == 1 ? "y" : "ies") + damage.summary());
            err.flush();
            return damage.count() == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
        }
    }

    /** {@code emcomm journal verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
        description = {
            "Check that every journal entry parses and that indexes run on without gaps within each roll file. "
                + "Prints a summary and exits 0, or names the first problem (index and file) and exits 1."},
        footer = {"", "Example:", "  emcomm journal verify --data ./data"})
    static final class Verify implements Callable<Integer>
    {
        @Spec
        CommandSpec spec;

        @Option(names = "--data", paramLabel = "DIR", required = true, description = "The router's data folder.")
        Path data;

        @Override
        public Integer call()
        {
            final JournalVerifier.Report report = JournalVerifier.verify(journalDir(data));
            if (!report.ok())
            {
                throw new CliFailure("journal damaged at " + report.problem() + " (" + report.entries()
                    + " entries before it are sound)");
            }
            final PrintWriter out = spec.commandLine().getOut();
            out.println("journal ok: " + report.entries() + " entries in " + report.files() + " roll file(s)"
                + (report.entries() > 0 ? ", indexes " + report.firstIndex() + ".." + report.lastIndex() : ""));
            out.flush();
            return Main.EXIT_OK;
        }
    }
}
