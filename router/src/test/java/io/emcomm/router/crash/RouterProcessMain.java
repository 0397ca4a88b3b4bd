package io.emcomm.router.crash;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.Router;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs a router in its own JVM so that a test can kill it with SIGKILL. Arguments: the data folder.
 * Prints {@link #PORT_LINE} and the bound port on stdout once listening, then serves until killed or
 * until its stdin reaches end of file (the parent closed it, or the parent died), when it closes cleanly.
 */
public final class RouterProcessMain
{
    /** Prefix of the stdout line that carries the bound port. */
    public static final String PORT_LINE = "EMCOMM-ROUTER-PORT ";

    private RouterProcessMain()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Router router = Router.start(new Router.Context().config(RouterConfig.loopback(Path.of(args[0])).build()));
        System.out.println(PORT_LINE + router.port());
        System.out.flush();
        // Reading stdin ties the child's life to the parent: a dead test JVM never leaves a router behind.
        while (System.in.read() >= 0)
        {
            // discard
        }
        router.close();
    }
}
