package io.emcomm.cli;

import io.emcomm.client.EmcommException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code emcomm} command line. Exit codes: 0 success, 1 failure (one line on stderr), 2 usage error.
 *
 * <p>To add a subcommand, write a {@code @Command} class implementing {@code Callable<Integer>} and list it
 * in {@link #SUBCOMMANDS}. Throw {@link CliFailure} for anything the user can fix; it becomes one line on
 * stderr and exit code 1, never a stack trace.
 *
 * <p>Output is UTF-8 whatever the locale: messages carry Chinese place names and instructions, and under
 * {@code LANG=C} Java 17 would otherwise encode them as {@code ?}.
 */
@Command(
    name = "emcomm",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "EmComm Router: a message router for emergency command networks.",
    synopsisSubcommandLabel = "COMMAND",
    commandListHeading = "%nCommands:%n",
    footer = {"", "Run 'emcomm COMMAND --help' for a command's options.",
        "Run 'emcomm console --help' for the command post's web console (a module of its own)."})
public final class Main implements Runnable
{
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;

    /** Every subcommand, in the order `emcomm --help` lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
        RouterCommand.class,
        KafkaCommand.class,
        SendCommand.class,
        ListenCommand.class,
        UnsubscribeCommand.class,
        PositionsCommand.class,
        ReplayCommand.class,
        SimulateCommand.class,
        DemoCommand.class,
        StatusCommand.class,
        CredentialCommand.class,
        JournalCommand.class,
        BenchCommand.class);

    @Spec
    CommandSpec spec;

    /**
     * Runs {@code emcomm} and exits the JVM with its code (0, 1, 2; see above). Sets System.out and System.err to
     * UTF-8 first, and quiets logging for every command but {@code router}.
     */
    public static void main(final String[] args)
    {
        // Before anything prints: the logger and every PrintWriter below pick these streams up.
        final PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        final PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.setOut(out);
        System.setErr(err);
        if (args.length == 0 || !args[0].equals("router"))
        {
            Logging.quiet();
        }
        final int code = run(utf8(out), utf8(err), args);
        System.exit(code);
    }

    private static PrintWriter utf8(final PrintStream stream)
    {
        return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
    }

    /** Runs a command line in-process with the given streams and returns the exit code. */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        return commandLine(out, err).execute(args);
    }

    /** The configured command line, for tests and for embedding. */
    public static CommandLine commandLine(final PrintWriter out, final PrintWriter err)
    {
        final CommandLine cli = new CommandLine(new Main());
        for (final Class<?> sub : SUBCOMMANDS)
        {
            cli.addSubcommand(sub);
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExitCodeExceptionMapper(ex -> ex instanceof ParameterException ? EXIT_USAGE : EXIT_FAILURE);
        cli.setParameterExceptionHandler(Main::onUsageError);
        cli.setExecutionExceptionHandler(Main::onFailure);
        CommandSummaries.install(cli);
        return cli;
    }

    @Override
    public void run()
    {
        throw new ParameterException(spec.commandLine(), "a command is required (router, send, listen, replay, status, ...; see emcomm --help)");
    }

    private static int onUsageError(final ParameterException ex, final String[] args)
    {
        final CommandLine cmd = ex.getCommandLine();
        final PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return EXIT_USAGE;
    }

    private static int onFailure(final Exception ex, final CommandLine cmd, final CommandLine.ParseResult parsed)
    {
        final PrintWriter err = cmd.getErr();
        final String name = cmd.getCommandSpec().qualifiedName();
        if (ex instanceof CliFailure || ex instanceof EmcommException)
        {
            err.println(name + ": " + ex.getMessage());
        }
        else if (ex instanceof ParameterException pe)
        {
            err.flush();
            return onUsageError(pe, new String[0]);
        }
        else
        {
            // A bug, not a user error: the stack trace is what a maintainer needs.
            err.println(name + ": internal error: " + ex);
            ex.printStackTrace(err);
        }
        err.flush();
        return EXIT_FAILURE;
    }

    /** Reports the version from the jar manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"emcomm " + (v == null ? "development build" : v)};
        }
    }
}
