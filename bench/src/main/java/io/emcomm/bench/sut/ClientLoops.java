package io.emcomm.bench.sut;

import io.netty.channel.EventLoopGroup;

import java.util.concurrent.TimeUnit;

/**
 * The harness's own Netty event loops, shared by every Netty-based bench client (EmComm driver, baseline
 * client, raw idle connections). One thread per core: the receivers compete with the servers for the same
 * two cores, so more threads would only add switching.
 */
public final class ClientLoops
{
    private static EventLoopGroup group;

    private ClientLoops()
    {
    }

    static synchronized EventLoopGroup group()
    {
        if (group == null)
        {
            group = NettyTransport.newGroup(Math.max(1, Runtime.getRuntime().availableProcessors()));
        }
        return group;
    }

    /** Stops the loops (end of a harness run); the next client creates them again. */
    public static synchronized void shutdown()
    {
        if (group != null)
        {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            group = null;
        }
    }
}
