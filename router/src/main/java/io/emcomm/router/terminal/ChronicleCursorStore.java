package io.emcomm.router.terminal;

import io.emcomm.router.journal.ChroniclePretoucher;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link CursorStore} as an append-only log in a Chronicle Queue ({@code data/cursors}): one small record
 * per cursor move, out-of-order ack and subscription change, read back in order at start. Records:
 * <pre>
 *   u8 type (1 cursor, 2 ack, 3 subscribe, 4 unsubscribe) | utf8 terminalId | i64 index  (types 1, 2)
 *                                                                          | utf8 pattern (types 3, 4)
 * </pre>
 * Appends are serialised by one lock: they are small and far rarer than journal appends (an in-order
 * ack moves the cursor and writes one record).
 */
public final class ChronicleCursorStore implements CursorStore
{
    private static final Logger LOG = LoggerFactory.getLogger(ChronicleCursorStore.class);
    private static final int CURSOR = 1;
    private static final int ACK = 2;
    private static final int SUBSCRIBE = 3;
    private static final int UNSUBSCRIBE = 4;
    /** The terminal is forgotten ({@link #forget}); an older router skips the record (and keeps the terminal). */
    private static final int FORGET = 5;

    /**
     * Cursor records are ~30 bytes, one or a few per subscriber read batch: 2 MiB ahead is far more than one
     * pretoucher pause's worth of them even at one record per message at 100k/s (3 MB/s).
     */
    private static final long PRETOUCH_AHEAD_BYTES = 2L << 20;

    private final ChronicleQueue queue;
    private final ExcerptAppender appender;
    /** Faults in the pages ahead of the appender on its own thread, so a cursor write on an event loop does not. */
    private final ChroniclePretoucher pretoucher;
    private final ConcurrentHashMap<String, TerminalState> terminals = new ConcurrentHashMap<>();

    /**
     * Opens (or creates) the cursor store in {@code dir} and restores every terminal's cursor, acknowledgements and
     * subscriptions from it. The starting thread.
     */
    public ChronicleCursorStore(final Path dir)
    {
        queue = SingleChronicleQueueBuilder.single(dir.toFile()).rollCycle(RollCycles.FAST_DAILY).build();
        long records = 0;
        try (ExcerptTailer tailer = queue.createTailer())
        {
            while (true)
            {
                try (DocumentContext dc = tailer.readingDocument())
                {
                    if (!dc.isPresent())
                    {
                        break;
                    }
                    records++;
                    final Bytes<?> bytes = dc.wire().bytes();
                    final int type = bytes.readUnsignedByte();
                    final String id = bytes.readUtf8();
                    if (type == FORGET)
                    {
                        terminals.remove(id);
                        continue;
                    }
                    final TerminalState state = terminals.computeIfAbsent(id, k -> CursorStore.newState(k, -1));
                    switch (type)
                    {
                        case CURSOR: CursorStore.restoreCursor(state, bytes.readLong()); break;
                        case ACK: CursorStore.restoreAck(state, bytes.readLong()); break;
                        case SUBSCRIBE: CursorStore.restoreSubscription(state, bytes.readUtf8(), true); break;
                        case UNSUBSCRIBE: CursorStore.restoreSubscription(state, bytes.readUtf8(), false); break;
                        default: LOG.warn("cursor store: unknown record type {} skipped", type); break;
                    }
                }
            }
        }
        appender = queue.createAppender();
        // writes are serialised by this object's monitor, so the appender may be used from any event loop
        appender.singleThreadedCheckDisabled(true);
        pretoucher = new ChroniclePretoucher("emcomm-cursors-pretouch", queue, PRETOUCH_AHEAD_BYTES,
            ChroniclePretoucher.DEFAULT_PERIOD_NANOS).start();
        LOG.info("cursor store open at {}: {} terminals from {} records", dir, terminals.size(), records);
    }

    @Override
    public TerminalState terminal(final String terminalId, final long initialCursor)
    {
        return terminals.computeIfAbsent(terminalId, id ->
        {
            final TerminalState state = CursorStore.newState(id, initialCursor);
            write(CURSOR, id, initialCursor, null);
            return state;
        });
    }

    @Override
    public Collection<TerminalState> terminals()
    {
        return terminals.values();
    }

    @Override
    public boolean contains(final String terminalId)
    {
        return terminals.containsKey(terminalId);
    }

    @Override
    public boolean forget(final String terminalId)
    {
        if (terminals.remove(terminalId) == null)
        {
            return false;
        }
        write(FORGET, terminalId, 0, null);
        return true;
    }

    @Override
    public void recordCursor(final TerminalState terminal, final long cursor)
    {
        write(CURSOR, terminal.terminalId(), cursor, null);
    }

    @Override
    public void recordAck(final TerminalState terminal, final long index)
    {
        write(ACK, terminal.terminalId(), index, null);
    }

    @Override
    public void recordSubscription(final TerminalState terminal, final String pattern, final boolean subscribed)
    {
        write(subscribed ? SUBSCRIBE : UNSUBSCRIBE, terminal.terminalId(), 0, pattern);
    }

    private synchronized void write(final int type, final String id, final long index, final String pattern)
    {
        try (DocumentContext dc = appender.writingDocument())
        {
            final Bytes<?> bytes = dc.wire().bytes();
            bytes.writeUnsignedByte(type);
            bytes.writeUtf8(id);
            if (pattern == null)
            {
                bytes.writeLong(index);
            }
            else
            {
                bytes.writeUtf8(pattern);
            }
        }
    }

    @Override
    public void close()
    {
        pretoucher.close(); // outside the monitor, and before the queue: it holds the last cycle's store
        closeQueue();
    }

    private synchronized void closeQueue()
    {
        appender.close();
        queue.close();
    }
}
