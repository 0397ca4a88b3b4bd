package io.emcomm.router.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The group-commit syncer on a fake force: requests queued behind a force share the next one; a failure latches. */
@Timeout(30)
class JournalSyncerTest
{
    /** Records each force's range. */
    private static final class RecordingForce implements JournalSyncer.Force
    {
        final List<long[]> ranges = new CopyOnWriteArrayList<>();
        volatile IOException fail;

        @Override
        public void force(final long afterIndex, final long throughIndex) throws IOException
        {
            if (fail != null)
            {
                throw fail;
            }
            ranges.add(new long[] {afterIndex, throughIndex});
        }
    }

    @Test
    void requestsMadeWhileASyncIsHeldShareTheNextForce()
    {
        final RecordingForce force = new RecordingForce();
        try (JournalSyncer syncer = new JournalSyncer("test-sync", force))
        {
            final CountDownLatch told = new CountDownLatch(1);
            syncer.addListener(told::countDown);
            syncer.hold();
            syncer.request(3);
            syncer.request(7);
            syncer.request(5); // lower than one already asked: changes nothing
            assertEquals(7, syncer.requestedIndex());
            assertEquals(-1, syncer.durableIndex(), "held: nothing is durable yet");
            assertEquals(0, force.ranges.size());

            syncer.release();
            syncer.awaitDurable(7);
            assertEquals(7, syncer.durableIndex());
            assertEquals(1, force.ranges.size(), "one force for the three requests");
            assertEquals(-1, force.ranges.get(0)[0]);
            assertEquals(7, force.ranges.get(0)[1]);
            assertTrue(awaitLatch(told), "the listener is told");

            syncer.awaitDurable(6); // already durable: no force
            syncer.awaitDurable(9);
            assertEquals(2, force.ranges.size());
            assertEquals(7, force.ranges.get(1)[0], "the next force starts after what the last one made durable");
        }
    }

    @Test
    void aFailedForceLatchesAndFailsWaiters()
    {
        final RecordingForce force = new RecordingForce();
        try (JournalSyncer syncer = new JournalSyncer("test-sync", force))
        {
            syncer.awaitDurable(1);
            force.fail = new IOException("EIO");
            final IllegalStateException ex = assertThrows(IllegalStateException.class, () -> syncer.awaitDurable(2));
            assertTrue(ex.getMessage().contains("EIO"), ex.getMessage());
            assertNotNull(syncer.failure());
            assertEquals(1, syncer.durableIndex(), "what failed is not durable");
            force.fail = null;
            assertThrows(IllegalStateException.class, () -> syncer.awaitDurable(3), "a later sync is not trusted either");
        }
    }

    private static boolean awaitLatch(final CountDownLatch latch)
    {
        try
        {
            return latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            throw new AssertionError(ex);
        }
    }
}
