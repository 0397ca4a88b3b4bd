package io.emcomm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code emcomm bench}: listed here so that {@code emcomm --help} shows it. The benchmarks are a separate
 * jar (they bring NATS, JetStream and JMH along); the {@code emcomm} launcher script sends {@code ./emcomm
 * bench ...} to {@code bench/target/emcomm-bench.jar} before this program starts, so this class only runs
 * when the clients jar is started by hand.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Measure the router: compare it with NATS, JetStream and Mosquitto, run JMH micro-benchmarks, or soak "
            + "it.",
        "Runs from the launcher script, which starts bench/target/emcomm-bench.jar (built on first use); "
            + "'./emcomm bench --help' lists its commands: compare, jmh, soak."},
    footer = {"", "Examples:", "  ./emcomm bench compare --smoke", "  ./emcomm bench soak --duration 10m"})
final class BenchCommand implements Callable<Integer>
{
    @Unmatched
    List<String> args = List.of();

    @Override
    public Integer call()
    {
        throw new CliFailure("the benchmarks are a separate jar: run './emcomm bench " + String.join(" ", args).trim()
            + "' from the checkout, or java -jar bench/target/emcomm-bench.jar");
    }
}
