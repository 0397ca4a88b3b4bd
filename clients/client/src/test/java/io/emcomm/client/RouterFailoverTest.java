package io.emcomm.client;

import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.LeakWatch;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * A client given several routers ({@link ClientOptions.Builder#routers}) against real routers on loopback: which
 * router it reaches first, and where it goes when that one dies. Two Chronicle routers share nothing (only the nodes
 * of a Kafka cluster share terminal cursors, docs/cluster.md), so these tests are about the client's choice of router
 * and its resend, not about what the second router knows of the first.
 *
 * <p>The backoff here is 30 s to a minute: an attempt that waited a backoff would outlast every wait of the test, so
 * reaching the second router at all within it shows the failover did not wait; the attempt numbers show it too.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class RouterFailoverTest
{
    private static final long WAIT_S = 10;

    @TempDir
    Path dir;

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception
    {
        for (int i = resources.size() - 1; i >= 0; i--)
        {
            resources.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(final T resource)
    {
        resources.add(resource);
        return resource;
    }

    private Router router(final String name)
    {
        return track(Router.start(Router.Context.loopback(dir.resolve(name))));
    }

    private static InetSocketAddress at(final Router router)
    {
        return InetSocketAddress.createUnresolved("127.0.0.1", router.port());
    }

    private static ClientOptions.Builder terminal(final List<InetSocketAddress> routers, final ConnectionEvents events)
    {
        return ClientOptions.builder()
            .routers(routers)
            .terminal("uav-fo", TerminalKind.AIR, "520102")
            .reconnectBackoff(Duration.ofSeconds(30), Duration.ofSeconds(60))
            .connectionListener(events);
    }

    @Test
    void aClientWhoseRouterDiesGoesToTheNextAtOnceAndThePublishMadeWhileDisconnectedIsAcknowledgedThere() throws Exception
    {
        final Router a = router("a");
        final Router b = router("b");
        final ConnectionEvents events = new ConnectionEvents();
        final ClientSession client = (ClientSession)track(EmcommClient.connect(terminal(List.of(at(a), at(b)), events).build()));
        events.expect(ConnectionState.CONNECTED);
        assertEquals(at(a), client.connectedRouter());
        assertEquals(at(a), events.nextRouter());

        // Publish the moment the client has seen the loss, before the next attempt can run: a handler behind the
        // client's own on the network thread, where the reconnect is queued behind it.
        final CompletableFuture<CompletableFuture<PublishResult>> whileDown = new CompletableFuture<>();
        final CompletableFuture<ConnectionState> stateThen = new CompletableFuture<>();
        final CompletableFuture<Object> routerThen = new CompletableFuture<>();
        client.currentChannel().pipeline().addLast(new ChannelInboundHandlerAdapter()
        {
            @Override
            public void channelInactive(final ChannelHandlerContext ctx)
            {
                stateThen.complete(client.state());
                routerThen.complete(client.connectedRouter() == null ? "none" : client.connectedRouter());
                whileDown.complete(client.publish(Message.text("made while disconnected").to("up:5201")));
                ctx.fireChannelInactive();
            }
        });
        resources.remove(a);
        a.close();

        events.expect(ConnectionState.DISCONNECTED);
        assertEquals(ConnectionState.DISCONNECTED, stateThen.get(WAIT_S, TimeUnit.SECONDS));
        assertEquals("none", routerThen.get(WAIT_S, TimeUnit.SECONDS));
        final ConnectionEvents.Event attempt = events.expectReconnecting(1);
        assertEquals(Duration.ZERO, attempt.delay(), "the next router is tried without a backoff");
        events.expect(ConnectionState.CONNECTED);
        assertEquals(List.of(), events.pending(), "one attempt: straight to router b");
        assertEquals(at(b), client.connectedRouter());
        assertEquals(at(b), events.nextRouter());

        final PublishResult acked = whileDown.get(WAIT_S, TimeUnit.SECONDS).get(WAIT_S, TimeUnit.SECONDS);
        assertFalse(acked.duplicate(), "router b journaled it for the first time");
        assertEquals("uav-fo", acked.origin());
        final PublishResult next = client.publish(Message.text("after the failover").to("up:5201")).get(WAIT_S, TimeUnit.SECONDS);
        assertEquals(acked.originSequence() + 1, next.originSequence());
        assertEquals(acked.journalIndex() + 1, next.journalIndex(), "both in router b's journal, one after the other");
    }

    @Test
    void aListWhoseFirstRouterIsDeadConnectsToTheSecond() throws Exception
    {
        final InetSocketAddress dead;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            dead = InetSocketAddress.createUnresolved("127.0.0.1", probe.getLocalPort()); // closed below: nothing listens
        }
        final Router b = router("b");
        final ConnectionEvents events = new ConnectionEvents();
        final EmcommClient client = track(EmcommClient.connect(terminal(List.of(dead, at(b)), events).build()));
        events.expect(ConnectionState.CONNECTED);
        assertEquals(at(b), client.connectedRouter());
        assertEquals(at(b), events.nextRouter());
        assertEquals(List.of(at(b)), events.routers(), "told once");
        assertEquals(List.of(), events.pending(), "no reconnect announced: the first connect went down the list");
        client.publish(Message.text("on scene").to("up:5201")).get(WAIT_S, TimeUnit.SECONDS);

        client.close();
        assertNull(client.connectedRouter(), "closed: on no router");
        assertSame(ConnectionState.CLOSED, client.state());
    }
}
