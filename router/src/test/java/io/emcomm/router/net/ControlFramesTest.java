package io.emcomm.router.net;

import io.emcomm.protocol.wire.Error;
import io.emcomm.router.conn.ConnectionCloser;
import io.emcomm.router.conn.ControlFrames;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.ReplayEnd;
import io.emcomm.testing.LeakWatch;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.emcomm.router.net.ConnectionFixture.next;
import static io.emcomm.router.net.ConnectionFixture.nextFrame;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The control frames written outside a read batch (flushed at once) and how a connection ends after a fatal ERROR,
 * on an {@link EmbeddedChannel} without handlers. The frames written inside a read batch are asserted through the
 * phases ({@link HelloHandlerTest}, {@link SessionHandlerTest}).
 */
@ExtendWith(LeakWatch.class)
class ControlFramesTest
{
    @Test
    void replayEndCarriesTheCountsAndIsFlushed()
    {
        final EmbeddedChannel ch = new EmbeddedChannel();
        ControlFrames.replayEnd(ch, 42, 7, 4096, 2);
        final ReplayEnd end = next(ch, FrameType.REPLAY_END, ReplayEnd.parser());
        assertEquals(42, end.getRequestId());
        assertEquals(7, end.getCount());
        assertEquals(4096, end.getLastIndex());
        assertEquals(2, end.getDamaged());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void goingAwayIsAFatalShuttingDownError()
    {
        final EmbeddedChannel ch = new EmbeddedChannel();
        assertTrue(ControlFrames.goingAway(ch, "router shutting down; reconnect with back-off").isSuccess());
        final Error going = next(ch, FrameType.GOING_AWAY, Error.parser());
        assertEquals(ErrorCode.SHUTTING_DOWN, going.getCode());
        assertTrue(going.getFatal());
        assertEquals("router shutting down; reconnect with back-off", going.getMessage());
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void aFatalErrorIsWrittenThenTheConnectionCloses()
    {
        final EmbeddedChannel ch = new EmbeddedChannel();
        ConnectionCloser.sendFatal(ch, ErrorCode.INTERNAL, "internal error: boom");
        ch.runPendingTasks();
        final Error e = next(ch, FrameType.ERROR, Error.parser());
        assertEquals(ErrorCode.INTERNAL, e.getCode());
        assertTrue(e.getFatal());
        assertFalse(ch.isOpen());

        final EmbeddedChannel now = new EmbeddedChannel();
        ConnectionCloser.INSTANCE.closeNow(now, ErrorCode.SLOW_CONSUMER, "not reading");
        assertEquals("not reading", next(now, FrameType.ERROR, Error.parser()).getMessage());
        assertFalse(now.isOpen());
        assertNull(nextFrame(now));
    }
}
