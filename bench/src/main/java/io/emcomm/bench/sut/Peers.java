package io.emcomm.bench.sut;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds the peer servers' executables (Debian packages {@code nats-server}, {@code mosquitto}) and, when
 * allowed, installs the packages with apt-get. Installation is attempted at most once per harness run.
 */
public final class Peers
{
    private static volatile boolean installAllowed;
    private static boolean installTried;
    private static String installProblem;

    private Peers()
    {
    }

    /** Lets the harness run {@code apt-get install} for missing peers (the compare command does; tests do not). */
    public static void allowInstall(final boolean allowed)
    {
        installAllowed = allowed;
    }

    /** The executable, installing the packages first if allowed and needed. */
    static Path require(final String executable) throws SystemUnderTest.Unavailable
    {
        Optional<Path> found = find(executable);
        if (found.isEmpty() && installAllowed)
        {
            install();
            found = find(executable);
        }
        return found.orElseThrow(() -> new SystemUnderTest.Unavailable(executable + " is not installed"
            + (installAllowed ? " and apt-get could not install it (" + installProblem + ")"
                : " (run the compare command, which installs it, or apt-get install nats-server mosquitto)")));
    }

    static Optional<Path> find(final String executable)
    {
        final String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin";
        for (final String dir : path.split(":"))
        {
            if (!dir.isEmpty())
            {
                final Path candidate = Path.of(dir, executable);
                if (Files.isExecutable(candidate))
                {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static synchronized void install()
    {
        if (installTried)
        {
            return;
        }
        installTried = true;
        System.err.println("peers: installing nats-server and mosquitto with apt-get ...");
        try
        {
            run(List.of("apt-get", "update", "-qq"));
            run(List.of("apt-get", "install", "-y", "-qq", "nats-server", "mosquitto"));
        }
        catch (final IOException ex)
        {
            installProblem = ex.getMessage();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            installProblem = "interrupted";
        }
    }

    private static void run(final List<String> command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.MINUTES))
        {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " timed out");
        }
        if (process.exitValue() != 0)
        {
            throw new IOException(String.join(" ", command) + " exited with " + process.exitValue());
        }
    }
}
