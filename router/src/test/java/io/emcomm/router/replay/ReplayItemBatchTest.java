package io.emcomm.router.replay;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.delivery.DeliveryFrames;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * REPLAY_ITEMs packed into chunks ({@link ReplayItemBatch}) on an {@link EmbeddedChannel}: each frame is byte for byte
 * the one {@code DeliveryFrames.delivery} makes for the same journal entry and request id, frames never straddle two
 * chunks, an item larger than a chunk travels alone and whole, and frames not written are released.
 */
final class ReplayItemBatchTest
{
    private static final long REQUEST_ID = 300;
    private static final long JOURNALED = 1_767_225_600_123_456L;

    @TempDir
    Path dir;

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @AfterEach
    void close()
    {
        channel.finishAndReleaseAll();
    }

    private static byte[] envelope(final long sequence, final int textLength)
    {
        return Envelope.newBuilder().setOrigin("uav-7").setOriginSequence(sequence).addTo("channel:flood.5201")
            .setPrecedence(Precedence.IMMEDIATE).setCreatedAtMicros(JOURNALED - 5)
            .setText(Text.newBuilder().setText("y".repeat(textLength))).build().toByteArray();
    }

    /** Journals the envelopes, reads them back and packs each into {@code batch}; returns the frames expected. */
    private List<byte[]> journalAndAdd(final ReplayItemBatch batch, final List<byte[]> envelopes) throws Exception
    {
        final List<byte[]> expected = new ArrayList<>();
        try (ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal")))
        {
            for (final byte[] e : envelopes)
            {
                journal.append(Unpooled.wrappedBuffer(e), 0, e.length, JOURNALED, TerminalKind.AIR_VALUE, "520111", "");
            }
            final JournalEntry entry = new JournalEntry();
            try (JournalReader reader = journal.newReader())
            {
                reader.toStart();
                while (reader.next(entry))
                {
                    final ByteBuf one = DeliveryFrames.delivery(ByteBufAllocator.DEFAULT, entry.index(), entry.envelope(),
                        entry.envelopeLength(), entry.journaledAtMicros(), REQUEST_ID, null);
                    expected.add(ByteBufUtil.getBytes(one));
                    one.release();
                    batch.add(channel, entry);
                }
            }
        }
        batch.writeTo(channel);
        return expected;
    }

    /** The chunks written, each split into its frames. */
    private List<List<byte[]>> chunks()
    {
        final List<List<byte[]>> chunks = new ArrayList<>();
        channel.flush(); // the batch writes, the session flushes
        ByteBuf chunk;
        while ((chunk = channel.readOutbound()) != null)
        {
            final List<byte[]> frames = new ArrayList<>();
            while (chunk.isReadable())
            {
                final int length = chunk.getInt(chunk.readerIndex());
                frames.add(ByteBufUtil.getBytes(chunk.readSlice(Frames.LENGTH_FIELD_BYTES + length)));
            }
            chunk.release();
            chunks.add(frames);
        }
        return chunks;
    }

    @Test
    void manyItemsShareChunksAndEachFrameIsTheOneDeliveryFramesMakes() throws Exception
    {
        final List<byte[]> envelopes = new ArrayList<>();
        for (int i = 1; i <= 700; i++)
        {
            envelopes.add(envelope(i, 150));
        }
        final List<byte[]> expected = journalAndAdd(new ReplayItemBatch(REQUEST_ID), envelopes);

        final List<List<byte[]>> chunks = chunks();
        assertTrue(chunks.size() > 1 && chunks.size() < 10, "a few chunks for 700 items, not one each: " + chunks.size());
        final List<byte[]> frames = chunks.stream().flatMap(List::stream).toList();
        assertEquals(expected.size(), frames.size());
        for (int i = 0; i < frames.size(); i++)
        {
            assertArrayEquals(expected.get(i), frames.get(i), "frame " + i);
        }
        final ByteBuf first = Unpooled.wrappedBuffer(frames.get(0));
        assertEquals(FrameType.REPLAY_ITEM_VALUE, first.getByte(Frames.LENGTH_FIELD_BYTES));
        final Delivery item = Delivery.parseFrom(first.nioBuffer(Frames.HEADER_BYTES, first.readableBytes() - Frames.HEADER_BYTES));
        assertEquals(REQUEST_ID, item.getReplayRequestId());
        assertEquals(JOURNALED, item.getJournaledAtMicros());
        assertEquals("uav-7", item.getEnvelope().getOrigin());
    }

    @Test
    void anItemLargerThanAChunkTravelsAloneAndWhole() throws Exception
    {
        final List<byte[]> expected = journalAndAdd(new ReplayItemBatch(REQUEST_ID),
            List.of(envelope(1, 10), envelope(2, ReplayItemBatch.CHUNK_BYTES + 1000), envelope(3, 10)));

        final List<List<byte[]>> chunks = chunks();
        assertEquals(List.of(1, 1, 1), chunks.stream().map(List::size).toList(), "the large frame in a chunk of its own");
        assertArrayEquals(expected.get(1), chunks.get(1).get(0));
        assertArrayEquals(expected.get(2), chunks.get(2).get(0));
    }

    @Test
    void framesNotWrittenAreReleasedWhenTheReplayStops() throws Exception
    {
        final ReplayItemBatch batch = new ReplayItemBatch(REQUEST_ID);
        try (ChronicleJournal journal = new ChronicleJournal(dir.resolve("journal")))
        {
            final byte[] e = envelope(1, 20);
            journal.append(Unpooled.wrappedBuffer(e), 0, e.length, JOURNALED, TerminalKind.AIR_VALUE, "520111", "");
            final JournalEntry entry = new JournalEntry();
            try (JournalReader reader = journal.newReader())
            {
                reader.toStart();
                assertTrue(reader.next(entry));
            }
            final ByteBuf[] allocated = new ByteBuf[1];
            final EmbeddedChannel watched = new EmbeddedChannel();
            watched.config().setAllocator(new AbstractByteBufAllocator(false)
            {
                @Override
                protected ByteBuf newHeapBuffer(final int initialCapacity, final int maxCapacity)
                {
                    return Unpooled.buffer(initialCapacity, maxCapacity);
                }

                @Override
                protected ByteBuf newDirectBuffer(final int initialCapacity, final int maxCapacity)
                {
                    allocated[0] = Unpooled.directBuffer(initialCapacity, maxCapacity);
                    return allocated[0];
                }

                @Override
                public boolean isDirectBufferPooled()
                {
                    return false;
                }
            });
            batch.add(watched, entry);
            batch.release();
            assertEquals(0, allocated[0].refCnt());
            batch.writeTo(watched);
            watched.flush();
            assertNull(watched.readOutbound(), "nothing left to write");
            watched.finishAndReleaseAll();
        }
    }
}
