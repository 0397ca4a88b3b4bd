package io.emcomm.cli;

import io.emcomm.cli.demo.Demo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code emcomm demo}: a short flood scenario in Guizhou on a private in-process router (see {@link Demo}). */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Play a short flood scenario in Guizhou on a private router.",
        "Starts a router on a free loopback port and connects command posts",
        "(province 52, Guiyang 5201, counties 520102, 520111, 520113), a UAV, a",
        "BeiDou terminal and rescue vehicles over TCP. Plays position reports, a",
        "FLASH flood alert, an incident up the chain, a task with a receipt and a",
        "vehicle that drops offline and catches up. Prints each delivery, a summary",
        "whose lost count is checked against the journal, and a journal replay.",
        "Exit code 0 when no expected delivery was lost, 1 otherwise."},
    footer = {"", "Examples:", "  emcomm demo", "  emcomm demo --data ./demo-data",
        "  emcomm replay --data ./demo-data --precedence flash"})
final class DemoCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR",
        description = "Keep the router's data (journal) in DIR, which must not hold a journal yet " +
            "(default: a temporary folder, deleted at the end).")
    Path data;

    @Override
    public Integer call()
    {
        try
        {
            return Demo.run(spec.commandLine().getOut(), data) == 0 ? Main.EXIT_OK : Main.EXIT_FAILURE;
        }
        catch (final Demo.DemoException ex)
        {
            throw new CliFailure(ex.getMessage());
        }
    }
}
