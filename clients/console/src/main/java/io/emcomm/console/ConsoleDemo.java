package io.emcomm.console;

import io.emcomm.cli.demo.Demo;
import io.emcomm.client.ClientOptions;
import io.emcomm.protocol.wire.TerminalKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code emcomm demo --console}: the demo scenario ({@link Demo}) with a console open on the provincial level,
 * logged in as a second post of region 52 ({@value #POST_ID}; the scenario's own {@code cp-52} keeps its
 * session). The console's address is printed before the scenario plays; after it, the router and the console
 * stay up until Ctrl-C, then the demo's summary is printed as usual.
 */
@Command(name = "emcomm demo --console", mixinStandardHelpOptions = true,
    description = "Play the demo scenario with the console open on the provincial post; stays up until Ctrl-C.")
final class ConsoleDemo implements Callable<Integer>, Demo.Watcher
{
    static final String POST_ID = "cp-52-duty";

    @Option(names = "--console", description = "Open the console (what this command is for; accepted for the launcher).")
    boolean console;

    @Option(names = "--data", paramLabel = "DIR", description = "Keep the router's data in DIR (default: a temporary folder).")
    Path data;

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
        description = "Port of the console (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int httpPort;

    private final PrintWriter out;
    private final CountDownLatch stop;
    private final Consumer<Console> played;
    private volatile Console open;

    /**
     * @param stop   counted down by Ctrl-C (a shutdown hook); the console stays up until then
     * @param played told when the scenario is over, with the open console (tests look at it)
     */
    ConsoleDemo(final PrintWriter out, final CountDownLatch stop, final Consumer<Console> played)
    {
        this.out = out;
        this.stop = stop;
        this.played = played;
    }

    @Override
    public Integer call()
    {
        final CountDownLatch reported = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            stop.countDown();
            try
            {
                reported.await(15, TimeUnit.SECONDS); // let the summary print before the JVM goes
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }, "demo-console-stop"));
        try
        {
            return Demo.run(out, data, this);
        }
        catch (final Demo.DemoException | IllegalStateException ex)
        {
            out.println("emcomm demo: " + ex.getMessage());
            return 1;
        }
        finally
        {
            reported.countDown();
        }
    }

    @Override
    public void routerUp(final int port, final int adminPort)
    {
        try
        {
            open = Console.start(ClientOptions.builder().router("127.0.0.1", port)
                .terminal(POST_ID, TerminalKind.COMMAND_POST, "52").clientName("emcomm-console/0.1"),
                new Console.Serving("127.0.0.1", httpPort, null, null, null),
                adminPort > 0 ? "http://127.0.0.1:" + adminPort : "none");
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("cannot open the console: " + ex.getMessage(), ex);
        }
        out.println("console of the provincial post (" + POST_ID + ", region 52) at " + open.url());
        out.println();
    }

    @Override
    public void scenarioOver() throws InterruptedException
    {
        out.println();
        out.println("the scenario has played; the console stays up at " + open.url() + " until Ctrl-C");
        out.flush();
        try
        {
            played.accept(open);
            stop.await();
        }
        finally
        {
            open.close();
        }
    }

}
