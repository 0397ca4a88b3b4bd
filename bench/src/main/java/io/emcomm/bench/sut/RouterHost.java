package io.emcomm.bench.sut;

import io.emcomm.router.Router;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.config.RouterConfig;

import java.nio.file.Path;

/**
 * Child-JVM entry point that runs one EmComm router for the harness, through the router's public API.
 * Usage: {@code RouterHost <dataDir> <NONE|BATCH>}.
 */
public final class RouterHost
{
    private RouterHost()
    {
    }

    /**
     * Starts a router on 127.0.0.1 at any free port, data folder (journal, cursors) {@code args[0]}, journal sync
     * {@code args[1]}, no admin endpoint, further tuned by {@code -Demcomm.*} properties; announces the port on stdout
     * and runs until the harness says stop or closes stdin.
     */
    public static void main(final String[] args) throws Exception
    {
        // -Demcomm.* properties (through emcomm.bench.childJvmArgs) tune the router like any deployment
        final RouterConfig config = RouterConfig.builder()
            .load(null, System.getProperties(), null)
            .host("127.0.0.1")
            .port(0)
            .dataDir(Path.of(args[0]))
            .journalSync(JournalSync.valueOf(args[1]))
            .routerId("emcomm-bench")
            .adminPort(-1) // no admin endpoint: several routers may run at once, and none is scraped
            .build();
        try (Router router = Router.start(new Router.Context().config(config)))
        {
            ChildControl.serve(router.port());
        }
    }
}
