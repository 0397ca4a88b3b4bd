package io.emcomm.router.net;

import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Heartbeat;
import io.emcomm.protocol.wire.Subscribe;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.terminal.ChronicleCursorStore;
import io.emcomm.router.terminal.ClusterCursorStore;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.testing.LeakWatch;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.router.net.ConnectionFixture.hello;
import static io.emcomm.router.net.ConnectionFixture.next;
import static io.emcomm.router.net.ConnectionFixture.nextError;
import static io.emcomm.router.net.ConnectionFixture.nextFrame;
import static io.emcomm.router.net.ConnectionFixture.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A login and a SUBSCRIBE on a node whose terminals live in the cluster (issue 15 Deliver 2), on an
 * {@link EmbeddedChannel} with the router's own pipeline and a scripted {@link ClusterCursorStore} whose claims and
 * commits the test completes: the login waits for the claim (frames pipelined behind the HELLO wait with it), a claim
 * that times out is a fatal ERROR with no session left, the SUBSCRIPTION_ACK waits for the commit and a refused commit
 * refuses the request, and another node's claim closes the session with SESSION_REPLACED.
 */
@Timeout(30)
@ExtendWith(LeakWatch.class)
class ClusterLoginTest
{
    @TempDir
    Path dir;

    private ConnectionFixture router;
    private ScriptedStore store;

    private ConnectionFixture router()
    {
        router = new ConnectionFixture(dir, b -> { }, j -> j, local -> store = new ScriptedStore(local));
        return router;
    }

    @AfterEach
    void close()
    {
        if (router != null)
        {
            router.close();
        }
    }

    @Test
    void theLoginWaitsForTheClaimAndFramesPipelinedBehindTheHelloAreHandledAfterIt() throws Exception
    {
        router();
        final EmbeddedChannel ch = router.connect();
        send(ch, FrameType.HELLO, hello("cp-1", COMMAND_POST, "5201").build());
        send(ch, FrameType.HEARTBEAT, Heartbeat.newBuilder().setSentAtMicros(7).build());
        assertNull(nextFrame(ch), "nothing answered before the cluster confirms the claim");
        assertEquals(0, router.table.sessionCount());
        assertFalse(ch.config().isAutoRead(), "reading paused while claiming");

        store.grant(0);
        ch.runPendingTasks();
        next(ch, FrameType.WELCOME, Welcome.parser());
        next(ch, FrameType.HEARTBEAT, Heartbeat.parser()); // the frame read while claiming, answered by the session
        assertEquals(1, router.table.sessionCount());
        assertTrue(ch.config().isAutoRead());
    }

    @Test
    void aClaimThatTimesOutIsAFatalErrorAndLeavesNoSession() throws Exception
    {
        router();
        final EmbeddedChannel ch = router.connect();
        send(ch, FrameType.HELLO, hello("cp-2", COMMAND_POST, "5201").build());
        send(ch, FrameType.HEARTBEAT, Heartbeat.newBuilder().setSentAtMicros(7).build()); // kept, then released
        store.claims.get(0).completeExceptionally(new TimeoutException());
        ch.runPendingTasks();
        final Error e = nextError(ch, ErrorCode.INTERNAL);
        assertEquals("the cluster did not confirm the login of terminal cp-2 within 1234 ms; log in again", e.getMessage());
        assertTrue(e.getFatal());
        assertFalse(ch.isOpen());
        assertEquals(0, router.table.sessionCount());
    }

    @Test
    void aSubscribeIsAcknowledgedOnlyOnceCommittedAndRefusedWhenTheClusterRefusesIt() throws Exception
    {
        router();
        final EmbeddedChannel ch = router.connect();
        send(ch, FrameType.HELLO, hello("cp-3", COMMAND_POST, "5201").build());
        store.grant(0);
        ch.runPendingTasks();
        next(ch, FrameType.WELCOME, Welcome.parser());

        send(ch, FrameType.SUBSCRIBE, Subscribe.newBuilder().setRequestId(1).addAddresses("channel:flood.5201").build());
        assertNull(nextFrame(ch), "not acknowledged before the commit");
        store.commits.get(0).complete(true);
        ch.runPendingTasks();
        final SubscriptionAck ok = next(ch, FrameType.SUBSCRIPTION_ACK, SubscriptionAck.parser());
        assertTrue(ok.getOk());
        assertEquals(1, ok.getRequestId());

        send(ch, FrameType.SUBSCRIBE, Subscribe.newBuilder().setRequestId(2).addAddresses("channel:fire.5201").build());
        store.commits.get(1).completeExceptionally(new IllegalStateException("terminal cp-3 was claimed by another node"));
        ch.runPendingTasks();
        final SubscriptionAck refused = next(ch, FrameType.SUBSCRIPTION_ACK, SubscriptionAck.parser());
        assertFalse(refused.getOk());
        assertEquals("not committed in the cluster: terminal cp-3 was claimed by another node", refused.getDetail());
    }

    @Test
    void anotherNodesClaimClosesTheSessionWithSessionReplacedAndItsEndFlushesTheCursor() throws Exception
    {
        router();
        final EmbeddedChannel ch = router.connect();
        send(ch, FrameType.HELLO, hello("cp-4", COMMAND_POST, "5201").build());
        final TerminalState terminal = store.grant(0);
        ch.runPendingTasks();
        next(ch, FrameType.WELCOME, Welcome.parser());

        new TerminalTakeovers(router.table).terminalLost("cp-4", "node-b");
        new TerminalTakeovers(router.table).terminalLost("cp-none", "node-b"); // no session here: nothing to do
        ch.runPendingTasks();
        final Error e = nextError(ch, ErrorCode.SESSION_REPLACED);
        assertTrue(e.getMessage().contains("router node node-b"), e.getMessage());
        ch.runPendingTasks();
        assertFalse(ch.isOpen());
        assertEquals(List.of(terminal), store.flushed, "the session's end wrote its cursor");
    }

    /** The local store, with claims and commits the test completes. Test thread. */
    private static final class ScriptedStore implements ClusterCursorStore
    {
        final ChronicleCursorStore local;
        final List<CompletableFuture<TerminalState>> claims = new ArrayList<>();
        private final List<Runnable> grants = new ArrayList<>();
        final List<CompletableFuture<Boolean>> commits = new ArrayList<>();
        final List<TerminalState> flushed = new ArrayList<>();

        ScriptedStore(final ChronicleCursorStore local)
        {
            this.local = local;
        }

        @Override
        public CompletableFuture<TerminalState> claim(final String terminalId, final long initialCursor)
        {
            final CompletableFuture<TerminalState> f = new CompletableFuture<>();
            claims.add(f);
            grants.add(() -> f.complete(local.terminal(terminalId, initialCursor)));
            return f;
        }

        /** Completes claim {@code i} with the local state, as the cluster would for a terminal it never saw. */
        TerminalState grant(final int i) throws Exception
        {
            grants.get(i).run();
            return claims.get(i).get();
        }

        @Override
        public CompletableFuture<Boolean> changeSubscriptionCommitted(final TerminalState terminal, final String pattern,
            final boolean subscribed)
        {
            local.changeSubscription(terminal, pattern, subscribed);
            final CompletableFuture<Boolean> f = new CompletableFuture<>();
            commits.add(f);
            return f;
        }

        @Override
        public CompletableFuture<Void> flush(final TerminalState terminal)
        {
            flushed.add(terminal);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onTerminalLost(final TerminalLost listener)
        {
        }

        @Override
        public long claimTimeoutMs()
        {
            return 1234;
        }

        @Override
        public TerminalState terminal(final String terminalId, final long initialCursor)
        {
            return local.terminal(terminalId, initialCursor);
        }

        @Override
        public Collection<TerminalState> terminals()
        {
            return local.terminals();
        }

        @Override
        public boolean contains(final String terminalId)
        {
            return local.contains(terminalId);
        }

        @Override
        public void recordCursor(final TerminalState terminal, final long cursor)
        {
            local.recordCursor(terminal, cursor);
        }

        @Override
        public void recordAck(final TerminalState terminal, final long index)
        {
            local.recordAck(terminal, index);
        }

        @Override
        public void recordSubscription(final TerminalState terminal, final String pattern, final boolean subscribed)
        {
            local.recordSubscription(terminal, pattern, subscribed);
        }

        @Override
        public void close()
        {
        }
    }
}
