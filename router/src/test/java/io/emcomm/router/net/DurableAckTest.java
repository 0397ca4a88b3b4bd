package io.emcomm.router.net;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.LatestPositionsRequest;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.journal.ForwardingJournal;
import io.emcomm.router.journal.Journal;
import io.emcomm.testing.LeakWatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.emcomm.router.net.ConnectionFixture.login;
import static io.emcomm.router.net.ConnectionFixture.next;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With {@code emcomm.journal.sync=batch} no PUBLISH_ACK leaves the router before the journal has synced what it
 * acknowledges — also when something else in the same read batch is flushed at once (a REPLAY_END answering
 * LATEST_POSITIONS_REQUEST), which once carried the batch's acks out ahead of the batch's sync.
 */
@ExtendWith(LeakWatch.class)
class DurableAckTest
{
    @TempDir
    Path dir;

    private ConnectionFixture router;

    @AfterEach
    void close()
    {
        router.close();
    }

    @Test
    void acksFlushedMidBatchAreSyncedFirst() throws Exception
    {
        final List<Long> syncedThrough = new ArrayList<>();
        router = new ConnectionFixture(dir, b -> b.journalSync(JournalSync.BATCH), journal -> new SyncWatch(journal, syncedThrough));
        final EmbeddedChannel ch = router.connect();
        login(ch, "van-1", TerminalKind.GROUND, "520102");
        final FlushWatch flushes = new FlushWatch(syncedThrough);
        ch.pipeline().addFirst(flushes);

        // one read batch: a PUBLISH, then a request whose answer (REPLAY_END) is written and flushed at once
        final Envelope envelope = Envelope.newBuilder().setOrigin("van-1").setOriginSequence(1).setPrecedence(Precedence.ROUTINE)
            .setCreatedAtMicros(router.clock.getAsLong()).addTo("channel:flood.5201")
            .setText(Text.newBuilder().setText("water rising")).build();
        final CompositeByteBuf batch = Unpooled.compositeBuffer();
        batch.addComponent(true, Frames.encode(ByteBufAllocator.DEFAULT, FrameType.PUBLISH, envelope));
        batch.addComponent(true, Frames.encode(ByteBufAllocator.DEFAULT, FrameType.LATEST_POSITIONS_REQUEST,
            LatestPositionsRequest.newBuilder().setRequestId(7).build()));
        ch.writeInbound(batch);
        ch.runPendingTasks();

        final PublishAck ack = next(ch, FrameType.PUBLISH_ACK, PublishAck.parser());
        assertTrue(flushes.flushedAckIndex >= 0, "the ack was flushed");
        assertEquals(ack.getJournalIndex(), flushes.flushedAckIndex);
        assertTrue(flushes.syncedWhenFlushed >= ack.getJournalIndex(),
            "the ack for index " + ack.getJournalIndex() + " was flushed when the journal was synced through "
                + flushes.syncedWhenFlushed);
    }

    /** Records, at each sync, the last index the journal holds: what the sync made durable. */
    private static final class SyncWatch extends ForwardingJournal
    {
        private final List<Long> syncedThrough;

        SyncWatch(final Journal journal, final List<Long> syncedThrough)
        {
            super(journal);
            this.syncedThrough = syncedThrough;
        }

        @Override
        public void sync()
        {
            journal.sync();
            syncedThrough.add(journal.lastIndex());
        }

        @Override
        public void close()
        {
            // the fixture closes the journal it made
        }
    }

    /**
     * At the head of the pipeline: notes the PUBLISH_ACK written and, at the first flush that carries it, how far the
     * journal had been synced. Frames are read from the written buffers without consuming them.
     */
    private static final class FlushWatch extends ChannelOutboundHandlerAdapter
    {
        private final List<Long> syncedThrough;
        private long writtenAckIndex = -1;
        long flushedAckIndex = -1;
        long syncedWhenFlushed = -1;

        FlushWatch(final List<Long> syncedThrough)
        {
            this.syncedThrough = syncedThrough;
        }

        @Override
        public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
        {
            if (msg instanceof ByteBuf buf)
            {
                int at = buf.readerIndex();
                while (buf.writerIndex() - at > 5)
                {
                    final int length = buf.getInt(at);
                    if (buf.getUnsignedByte(at + 4) == FrameType.PUBLISH_ACK_VALUE)
                    {
                        writtenAckIndex = ackIndex(buf, at + 5, length - 1);
                    }
                    at += 4 + length;
                }
            }
            ctx.write(msg, promise);
        }

        @Override
        public void flush(final ChannelHandlerContext ctx)
        {
            if (writtenAckIndex >= 0 && flushedAckIndex < 0)
            {
                flushedAckIndex = writtenAckIndex;
                syncedWhenFlushed = syncedThrough.isEmpty() ? -1 : syncedThrough.get(syncedThrough.size() - 1);
            }
            ctx.flush();
        }

        private static long ackIndex(final ByteBuf buf, final int offset, final int length)
        {
            final byte[] payload = new byte[length];
            buf.getBytes(offset, payload);
            try
            {
                return PublishAck.parseFrom(payload).getJournalIndex();
            }
            catch (final Exception ex)
            {
                throw new AssertionError("a PUBLISH_ACK that does not parse", ex);
            }
        }
    }
}
