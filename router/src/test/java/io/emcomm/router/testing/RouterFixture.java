package io.emcomm.router.testing;

import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;

import java.nio.file.Path;

/** Starts a real router on an ephemeral loopback port with its journal in the given folder. */
public final class RouterFixture
{
    private RouterFixture()
    {
    }

    public static RouterConfig.Builder config(final Path dataDir)
    {
        return RouterConfig.builder().host("127.0.0.1").port(0).dataDir(dataDir).ioThreads(2).adminPort(0);
    }

    public static Router start(final Path dataDir)
    {
        return Router.start(new Router.Context().config(config(dataDir).build()));
    }
}
