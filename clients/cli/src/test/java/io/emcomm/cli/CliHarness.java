package io.emcomm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@link Main} in-process with captured output, in the test's thread or in one of its own. */
final class CliHarness
{
    private CliHarness()
    {
    }

    /** One finished invocation: exit code and what it printed. */
    record Run(int code, String out, String err)
    {
        List<String> outLines()
        {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    /** One invocation's output, readable while it runs. */
    static final class Capture
    {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();

        String out()
        {
            synchronized (out.getBuffer())
            {
                return out.toString().replace("\r", "");
            }
        }

        String err()
        {
            synchronized (err.getBuffer())
            {
                return err.toString().replace("\r", "");
            }
        }

        CompletableFuture<Run> start(final String... args)
        {
            return CompletableFuture.supplyAsync(() -> run(args), runnable ->
            {
                final Thread t = new Thread(runnable, "cli-" + args[0]);
                t.setDaemon(true);
                t.start();
            });
        }

        Run run(final String... args)
        {
            final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
            return new Run(code, out(), err());
        }
    }

    static Run cli(final String... args)
    {
        return new Capture().run(args);
    }

    /** Waits (30 s at most) until {@code text} matches {@code pattern}. */
    static Matcher awaitMatch(final Supplier<String> text, final Pattern pattern)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            final Matcher m = pattern.matcher(text.get());
            if (m.find())
            {
                return m;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("no '" + pattern + "' in: " + text.get());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Waits (30 s at most) until {@code text} holds {@code count} lines. */
    static void awaitLines(final Supplier<String> text, final int count)
    {
        awaitMatch(text, Pattern.compile("\\A([^\\n]*\\n){" + count + "}"));
    }
}
