package io.emcomm.router.journal;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import io.emcomm.router.config.JournalSync;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * {@link Journal} on a Chronicle Queue in one folder. Each excerpt is:
 * <pre>
 *   i64 journaledAtMicros | u8 originKind | u8 regionLength | region (ASCII) | i32 envelopeLength | envelope
 *   [ | u8 ingressLength | ingress (ASCII) ]
 * </pre>
 * The ingress (the peer router a message came over, federation) is written only when it is not empty and comes
 * after the envelope, so an entry journaled before federation existed, or one that entered here, reads as ingress ""
 * and a journal written by an older router reads unchanged.
 * The envelope is stored byte for byte as received, so it is forwarded and replayed without
 * re-serialising. A process crash (kill -9) loses nothing already appended: Chronicle never shows a
 * half-written excerpt to readers and the next writer recovers the lock. A {@link ChroniclePretoucher} thread
 * keeps the pages ahead of the appenders faulted in, so an event loop's append does not take the page fault.
 */
public final class ChronicleJournal implements Journal
{
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleJournal.class);

    private final Path dir;
    private final ChronicleQueue queue;
    private final Set<ExcerptAppender> appenders = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final FastThreadLocal<ThreadState> threadState = new FastThreadLocal<>()
    {
        @Override
        protected ThreadState initialValue()
        {
            final ExcerptAppender appender = queue.createAppender();
            appenders.add(appender);
            return new ThreadState(appender);
        }
    };
    /** Keeps the pages ahead of the appenders faulted in off the event loops; null when read-only or off. */
    private final ChroniclePretoucher pretoucher;
    /** Group commit ({@code sync=batch}): the thread that makes every thread's appends durable; null otherwise. */
    private final JournalSyncer syncer;
    private final CycleFiles cycleFiles;
    private volatile boolean closed;

    /** Per appending thread: its appender and a scratch array to copy envelopes through without allocating. */
    private static final class ThreadState
    {
        final ExcerptAppender appender;
        byte[] scratch = new byte[4096];
        /** The last index this thread appended, -1 for none: what its read batch must see durable. */
        long lastAppended = -1;

        ThreadState(final ExcerptAppender appender)
        {
            this.appender = appender;
        }
    }

    public ChronicleJournal(final Path dir)
    {
        this(dir, RollCycles.FAST_DAILY, SystemTimeProvider.INSTANCE);
    }

    /**
     * Opens the journal with a roll cycle (used when the folder is new; an existing journal keeps the cycle
     * it was made with) and the clock that decides when to roll (tests roll without waiting hours).
     */
    public ChronicleJournal(final Path dir, final RollCycle rollCycle, final TimeProvider time)
    {
        this(dir, rollCycle, time, ChroniclePretoucher.DEFAULT_AHEAD_BYTES);
    }

    /**
     * As {@link #ChronicleJournal(Path, RollCycle, TimeProvider)}, with {@code pretouchAheadBytes} of the file
     * past the write position kept faulted in by a {@link ChroniclePretoucher} thread, or none when 0 (the
     * benchmark compares both).
     */
    public ChronicleJournal(final Path dir, final RollCycle rollCycle, final TimeProvider time, final long pretouchAheadBytes)
    {
        this(dir, rollCycle, time, false, pretouchAheadBytes, JournalSync.NONE);
    }

    /**
     * As {@link #ChronicleJournal(Path, RollCycle, TimeProvider)}, for the router: with {@link JournalSync#BATCH}
     * a {@link JournalSyncer} thread makes every thread's appends durable (group commit; a synchronous
     * {@code msync(MS_SYNC)} of the file up to the write position, {@link CycleFiles}), and {@link #sync()} waits for it.
     *
     * <p>Why the mode is set here: Chronicle's default sync mode is {@code MS_ASYNC}
     * ({@code mappedFile.defaultSyncMode}), which on Linux only schedules writeback, so an appender's
     * {@code sync()} would return before anything reached the disk and {@code batch} would not survive a power cut.
     */
    public ChronicleJournal(final Path dir, final RollCycle rollCycle, final TimeProvider time, final JournalSync sync)
    {
        this(dir, rollCycle, time, ChroniclePretoucher.DEFAULT_AHEAD_BYTES, sync);
    }

    /** As {@link #ChronicleJournal(Path, RollCycle, TimeProvider, JournalSync)} with the pretoucher's reach (0 = none). */
    public ChronicleJournal(final Path dir, final RollCycle rollCycle, final TimeProvider time, final long pretouchAheadBytes,
        final JournalSync sync)
    {
        this(dir, rollCycle, time, false, pretouchAheadBytes, sync);
    }

    /**
     * Opens an existing journal for reading only, as the offline tools do (replay --data, journal export): no
     * file is written, so a journal another user wrote, or one a running router holds, is read as it is.
     * {@link #append} must not be called on it.
     */
    public static ChronicleJournal readOnly(final Path dir)
    {
        return new ChronicleJournal(dir, RollCycles.FAST_DAILY, SystemTimeProvider.INSTANCE, true, 0, JournalSync.NONE);
    }

    private ChronicleJournal(final Path dir, final RollCycle rollCycle, final TimeProvider time, final boolean readOnly,
        final long pretouchAheadBytes, final JournalSync sync)
    {
        this.dir = dir;
        this.queue = SingleChronicleQueueBuilder.single(dir.toFile())
            .rollCycle(rollCycle)
            .timeProvider(time)
            .readOnly(readOnly)
            .syncMode(sync == JournalSync.BATCH ? SyncMode.SYNC : SyncMode.NONE)
            .build();
        if (sync == JournalSync.BATCH && !readOnly)
        {
            this.cycleFiles = new CycleFiles((SingleChronicleQueue)queue);
            this.syncer = new JournalSyncer("emcomm-journal-sync", cycleFiles);
        }
        else
        {
            this.cycleFiles = null;
            this.syncer = null;
        }
        this.pretoucher = readOnly || pretouchAheadBytes <= 0 ? null : new ChroniclePretoucher("emcomm-journal-pretouch",
            queue, pretouchAheadBytes, ChroniclePretoucher.DEFAULT_PERIOD_NANOS).start();
        LOG.info("journal open at {} (roll cycle {}, last index {})", dir, queue.rollCycle(), lastIndex());
    }

    /** The pretoucher of this journal's file, or null (read-only, or switched off); for tests. */
    ChroniclePretoucher pretoucher()
    {
        return pretoucher;
    }

    /** The queue itself, for retention and verification in this package. */
    ChronicleQueue queue()
    {
        return queue;
    }

    public Path dir()
    {
        return dir;
    }

    @Override
    public long append(final ByteBuf envelope, final int offset, final int length, final long journaledAtMicros,
        final int originKind, final String originRegion, final String ingress)
    {
        if (closed || syncer != null && syncer.failure() != null)
        {
            return NOT_JOURNALED;
        }
        if (ingress.length() > JournalEntry.MAX_INGRESS)
        {
            throw new IllegalArgumentException("ingress '" + ingress + "' is longer than " + JournalEntry.MAX_INGRESS);
        }
        final ThreadState state = threadState.get();
        byte[] scratch = state.scratch;
        if (scratch.length < length)
        {
            scratch = state.scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        envelope.getBytes(offset, scratch, 0, length);
        final ExcerptAppender appender = state.appender;
        try
        {
            try (DocumentContext dc = appender.writingDocument())
            {
                final Bytes<?> bytes = dc.wire().bytes();
                bytes.writeLong(journaledAtMicros);
                bytes.writeUnsignedByte(originKind);
                final int regionLength = originRegion.length();
                bytes.writeUnsignedByte(regionLength);
                for (int i = 0; i < regionLength; i++)
                {
                    bytes.writeUnsignedByte(originRegion.charAt(i));
                }
                bytes.writeInt(length);
                bytes.write(scratch, 0, length);
                final int ingressLength = ingress.length();
                if (ingressLength > 0)
                {
                    // after the envelope: absent in older entries and in local ones, which then read as ""
                    bytes.writeUnsignedByte(ingressLength);
                    for (int i = 0; i < ingressLength; i++)
                    {
                        bytes.writeUnsignedByte(ingress.charAt(i));
                    }
                }
            }
            final long index = appender.lastIndexAppended();
            state.lastAppended = index;
            return index;
        }
        catch (final RuntimeException | Error ex)
        {
            // Rare (disk full, I/O error, closed queue): the caller nacks JOURNAL_UNAVAILABLE.
            LOG.error("journal append failed: {}", ex.toString());
            return NOT_JOURNALED;
        }
    }

    /**
     * Forces what the calling thread appended to disk. With {@link JournalSync#BATCH} through the {@link #syncer()}
     * (blocking until it has synced, so shared with every other thread's pending batches); otherwise the thread's
     * appender's own sync.
     *
     * @throws IllegalStateException when the syncer failed: what was appended may not be durable
     */
    @Override
    public void sync()
    {
        final ThreadState state = threadState.getIfExists();
        if (state == null || closed)
        {
            return;
        }
        if (syncer != null)
        {
            syncer.awaitDurable(state.lastAppended);
        }
        else
        {
            state.appender.sync();
        }
    }

    @Override
    public JournalSyncer syncer()
    {
        return syncer;
    }

    @Override
    public long appendedByThisThread()
    {
        final ThreadState state = threadState.getIfExists();
        return state == null ? -1 : state.lastAppended;
    }

    @Override
    public String unavailableDetail()
    {
        final String failure = syncer == null ? null : syncer.failure();
        return failure != null ? failure : Journal.super.unavailableDetail();
    }

    @Override
    public JournalReader newReader()
    {
        return new Reader(queue.createTailer());
    }

    @Override
    public long lastIndex()
    {
        try
        {
            return queue.lastIndex();
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
    }

    @Override
    public long firstIndex()
    {
        final long first = queue.firstIndex();
        return first == Long.MAX_VALUE ? -1 : first;
    }

    @Override
    public void close()
    {
        closed = true;
        if (pretoucher != null)
        {
            pretoucher.close(); // before the queue: it holds a reference to the last cycle's store
        }
        if (syncer != null)
        {
            syncer.close(); // before the files it forces
            cycleFiles.close();
        }
        synchronized (appenders)
        {
            for (final ExcerptAppender appender : appenders)
            {
                appender.close();
            }
            appenders.clear();
        }
        queue.close();
    }

    private final class Reader implements JournalReader
    {
        private final ExcerptTailer tailer;

        Reader(final ExcerptTailer tailer)
        {
            this.tailer = tailer;
        }

        @Override
        public void toStart()
        {
            tailer.toStart();
        }

        @Override
        public boolean seekAfter(final long index)
        {
            if (index < 0)
            {
                tailer.toStart();
                return true;
            }
            if (tailer.moveToIndex(index))
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    // consume the entry at index itself
                    return dc.isPresent();
                }
            }
            final long last = lastIndex();
            if (index > last)
            {
                tailer.toEnd();
                return false;
            }
            seekAtOrAfter(index + 1);
            return true;
        }

        @Override
        public void seekAtOrAfter(final long index)
        {
            if (index <= 0 || index <= firstIndex())
            {
                tailer.toStart();
                return;
            }
            if (!tailer.moveToIndex(index))
            {
                // index falls in a gap (between roll cycles) or past the end: scan forward from the start of
                // its cycle, which only happens on a seek, never per message.
                tailer.toStart();
                while (true)
                {
                    final long here = tailer.index();
                    if (here >= index)
                    {
                        return;
                    }
                    try (DocumentContext dc = tailer.readingDocument())
                    {
                        if (!dc.isPresent())
                        {
                            return;
                        }
                        if (dc.index() >= index)
                        {
                            dc.rollbackOnClose();
                            return;
                        }
                    }
                }
            }
        }

        @Override
        public boolean next(final JournalEntry entry)
        {
            try (DocumentContext dc = tailer.readingDocument())
            {
                if (!dc.isPresent())
                {
                    return false;
                }
                final Bytes<?> bytes = dc.wire().bytes();
                entry.index = dc.index();
                entry.journaledAtMicros = bytes.readLong();
                entry.originKind = bytes.readUnsignedByte();
                final int regionLength = bytes.readUnsignedByte();
                entry.regionLength = Math.min(regionLength, entry.region.length);
                for (int i = 0; i < regionLength; i++)
                {
                    final int b = bytes.readUnsignedByte();
                    if (i < entry.region.length)
                    {
                        entry.region[i] = (byte)b;
                    }
                }
                final int length = bytes.readInt();
                entry.ensureEnvelopeCapacity(length);
                bytes.read(entry.envelope, 0, length);
                entry.envelopeLength = length;
                entry.ingressLength = 0;
                if (bytes.readRemaining() > 0)
                {
                    final int ingressLength = Math.min(bytes.readUnsignedByte(), (int)bytes.readRemaining());
                    for (int i = 0; i < ingressLength; i++)
                    {
                        entry.ingress[i] = (byte)bytes.readUnsignedByte();
                    }
                    entry.ingressLength = ingressLength;
                }
                return true;
            }
        }

        @Override
        public void close()
        {
            tailer.close();
        }
    }
}
