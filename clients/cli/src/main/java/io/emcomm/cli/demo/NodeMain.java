package io.emcomm.cli.demo;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * The main class of the router node processes that {@code emcomm demo --cluster} starts ({@link RouterNodes}):
 * {@code NodeMain MAIN_CLASS ARGS} runs {@code MAIN_CLASS.main(ARGS)} (the launcher's {@code io.emcomm.cli.Main},
 * named by the caller so that this package does not depend on the one above it) and also ends when its standard
 * input closes. The demo keeps the write end of that pipe; when the demo's JVM is gone, however it went (Ctrl-C,
 * SIGKILL, a crash), the pipe closes and the node stops as SIGTERM stops it, so no node outlives the demo. The
 * broker processes do the same ({@code io.emcomm.kafka.BrokerMain}).
 */
public final class NodeMain
{
    private NodeMain()
    {
    }

    /**
     * Runs {@code args[0].main(args[1..])} with a daemon thread that exits the JVM (running its shutdown hooks: the
     * router's orderly close) once standard input reaches its end.
     *
     * @param args the main class, then its arguments, e.g. {@code io.emcomm.cli.Main router --router-id node-1 ...}
     * @throws ReflectiveOperationException when the main class or its {@code main} cannot be found
     */
    public static void main(final String[] args) throws ReflectiveOperationException
    {
        if (args.length == 0)
        {
            throw new IllegalArgumentException("usage: NodeMain MAIN_CLASS [ARGS...]");
        }
        final Thread watch = new Thread(() ->
        {
            final InputStream in = System.in;
            try
            {
                while (in.read() >= 0)
                {
                    // nothing is ever written: only the end of the stream matters
                }
            }
            catch (final IOException ignore)
            {
                // a broken pipe is the same news as its end
            }
            System.exit(0);
        }, "emcomm-demo-parent-watch");
        watch.setDaemon(true);
        watch.start();
        try
        {
            Class.forName(args[0]).getMethod("main", String[].class)
                .invoke(null, (Object)Arrays.copyOfRange(args, 1, args.length));
        }
        catch (final InvocationTargetException ex)
        {
            if (ex.getCause() instanceof RuntimeException r)
            {
                throw r;
            }
            throw new IllegalStateException(ex.getCause());
        }
    }
}
