package io.emcomm.console;

import io.emcomm.cli.RouterAccessOptions;
import io.emcomm.client.ClientOptions;
import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.TerminalKind;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code emcomm console}: logs in to the router as a command post and serves the duty officer's page.
 * Exit codes as the rest of the command line: 0, 1 failure (one line on stderr), 2 usage error.
 */
@Command(
    name = "emcomm console",
    mixinStandardHelpOptions = true,
    versionProvider = ConsoleCommand.Version.class,
    description = "Serves the command post's console: a web page with the post's feed (a FLASH waits for the " +
        "officer's acknowledgement), the map of its terminals, and a form to answer. Logs in to the router as the " +
        "post through the client library. Open the printed address in a browser; it needs no internet. Ctrl-C stops it.")
public final class ConsoleCommand implements Callable<Integer>
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--router", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:7400",
        description = "Router address (default: ${DEFAULT-VALUE}).")
    String router;

    @Option(names = "--id", paramLabel = "ID", required = true, description = "The post's terminal id, e.g. cp-5201.")
    String id;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "command-post",
        description = "Terminal kind (default: ${DEFAULT-VALUE}).")
    String kind;

    @Option(names = "--region", paramLabel = "CODE", required = true,
        description = "The post's region code, e.g. 5201 (Guiyang).")
    String region;

    /** TLS to the router and the post's token: the same options and variables as every command (docs/security.md). */
    @Mixin
    RouterAccessOptions access = new RouterAccessOptions();

    @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
        description = "Port of the web page (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int httpPort;

    @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1",
        description = "Address to serve on (default: ${DEFAULT-VALUE}); anything else needs --password.")
    String bind;

    @Option(names = "--password", paramLabel = "PASSWORD",
        description = "Operator password (HTTP basic authentication, any user name); or env EMCOMM_CONSOLE_PASSWORD.")
    String password;

    @Option(names = "--keystore", paramLabel = "FILE",
        description = "Serve HTTPS only, with the key and certificate in this PKCS12 keystore.")
    Path keystore;

    @Option(names = "--keystore-password", paramLabel = "PASSWORD",
        description = "The keystore's password (or env EMCOMM_CONSOLE_KEYSTORE_PASSWORD).")
    String keystorePassword;

    @Option(names = "--router-admin", paramLabel = "URL",
        description = "The router's admin endpoint, read every 2 s for who is online and the router's health " +
            "(default: http://<router host>:" + Console.DEFAULT_ADMIN_PORT + "; none = do not read it).")
    String routerAdmin;

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String v = ConsoleCommand.class.getPackage().getImplementationVersion();
            return new String[] {"emcomm console " + (v != null ? v : "(development build)")};
        }
    }

    /**
     * Entry point of {@code emcomm console} ({@code emcomm console demo ...} runs the demo instead); lowers logging
     * to WARN and exits the JVM with the command's code.
     */
    public static void main(final String[] args)
    {
        // The web server's and the client's start-up chatter is not the officer's business; warnings still show.
        if (org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root)
        {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
        if (args.length > 0 && args[0].equals("demo"))
        {
            final String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(new CommandLine(new ConsoleDemo(new PrintWriter(System.out, true), new CountDownLatch(1), c -> { })).execute(rest));
        }
        System.exit(new CommandLine(new ConsoleCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception
    {
        final ClientOptions.Builder post = post();
        final String operatorPassword = password != null ? password : System.getenv("EMCOMM_CONSOLE_PASSWORD");
        final Console console;
        try
        {
            console = Console.start(post, new Console.Serving(bind, httpPort, operatorPassword, keystore,
                keystorePassword != null ? keystorePassword : System.getenv("EMCOMM_CONSOLE_KEYSTORE_PASSWORD")),
                routerAdmin);
        }
        catch (final Exception ex)
        {
            spec.commandLine().getErr().println("emcomm console: " + ex.getMessage());
            return 1;
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            console.close();
            stopped.countDown();
        }, "console-shutdown"));
        spec.commandLine().getOut().println("console of " + id + " (region " + region + ") at " + console.url() +
            "  (Ctrl-C to stop)");
        stopped.await();
        return 0;
    }

    private ClientOptions.Builder post()
    {
        final int colon = router.lastIndexOf(':');
        final int port;
        try
        {
            port = Integer.parseInt(router.substring(colon + 1));
        }
        catch (final NumberFormatException ex)
        {
            throw new ParameterException(spec.commandLine(), "--router '" + router + "' must be HOST:PORT");
        }
        if (colon <= 0 || port < 1 || port > 65_535)
        {
            throw new ParameterException(spec.commandLine(), "--router '" + router + "' must be HOST:PORT");
        }
        try
        {
            Console.adminUrl(routerAdmin, router.substring(0, colon)); // a usage error, before anything starts
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
        final String regionProblem = RegionCode.problem(region);
        if (regionProblem != null)
        {
            throw new ParameterException(spec.commandLine(), "--region: " + regionProblem);
        }
        final TerminalKind terminalKind;
        try
        {
            terminalKind = Address.parseKind(kind);
        }
        catch (final AddressException ex)
        {
            throw new ParameterException(spec.commandLine(), "--kind: " + ex.getMessage());
        }
        try
        {
            return access.apply(ClientOptions.builder()
                .router(router.substring(0, colon), port)
                .terminal(id, terminalKind, region)
                .clientName("emcomm-console/0.1"));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(spec.commandLine(), ex.getMessage());
        }
    }
}
