package io.emcomm.router.link;

import io.emcomm.protocol.wire.Advertise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a child advertises (docs/protocol.md section 14.4): the whole set split under the frame limit with reset on the
 * first frame only, deltas that turn the parent's copy into the new set, and the parent's durable copy.
 */
class AdvertisementTest
{
    @TempDir
    Path dir;

    private static Set<String> ids(final String prefix, final int n)
    {
        final Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++)
        {
            ids.add(prefix + i);
        }
        return ids;
    }

    /** What a parent holds after applying {@code frames} to {@code before}. */
    private static Advertisement applied(final Advertisement before, final List<Advertise> frames)
    {
        final Advertisement.Builder held = before.toBuilder();
        for (final Advertise frame : frames)
        {
            held.apply(frame);
        }
        return held.build();
    }

    @Test
    void theWholeSetIsSplitUnderTheFrameLimitWithResetOnTheFirstFrameOnly()
    {
        final Advertisement all = new Advertisement(ids("ground-520102001001-", 2_000), ids("positions.520102.", 300));
        final int limit = 1_023;

        final List<Advertise> frames = all.full(limit);

        assertTrue(frames.size() > 10, "split: " + frames.size());
        assertTrue(frames.get(0).getReset());
        for (int i = 0; i < frames.size(); i++)
        {
            assertTrue(frames.get(i).getSerializedSize() <= limit, "frame " + i + ": " + frames.get(i).getSerializedSize());
            assertEquals(i == 0, frames.get(i).getReset(), "frame " + i);
        }
        final Advertisement stale = new Advertisement(Set.of("gone"), Set.of("old.>"));
        assertEquals(all, applied(stale, frames), "reset replaces what the parent held");
    }

    @Test
    void anEmptyAdvertisementIsOneResetThatClearsTheParentsCopy()
    {
        final List<Advertise> frames = Advertisement.EMPTY.full(1_023);
        assertEquals(List.of(Advertise.newBuilder().setReset(true).build()), frames);
        assertEquals(Advertisement.EMPTY, applied(new Advertisement(Set.of("a"), Set.of("b")), frames));
    }

    @Test
    void aDeltaTurnsTheParentsCopyIntoTheNewSet()
    {
        final Advertisement before = new Advertisement(Set.of("uav-1", "uav-2"), Set.of("ops.>", "weather.*"));
        final Advertisement after = new Advertisement(Set.of("uav-2", "hh-9"), Set.of("ops.>", "positions.>"));

        final List<Advertise> delta = after.deltaFrom(before, 1_023);

        assertEquals(1, delta.size());
        assertFalse(delta.get(0).getReset());
        assertEquals(List.of("hh-9"), delta.get(0).getAddTerminalsList());
        assertEquals(List.of("uav-1"), delta.get(0).getRemoveTerminalsList());
        assertEquals(List.of("positions.>"), delta.get(0).getAddChannelsList());
        assertEquals(List.of("weather.*"), delta.get(0).getRemoveChannelsList());
        assertEquals(after, applied(before, delta));
        assertEquals(List.of(), after.deltaFrom(after, 1_023), "nothing changed, nothing sent");
    }

    @Test
    void theParentsCopyIsKeptOnDiskAndReadBackAtStart() throws Exception
    {
        final ChildAdvertisements store = ChildAdvertisements.load(dir);
        assertNull(store.held("city"));
        store.put("city", "5201", new Advertisement(Set.of("uav-1", "hh-9"), Set.of("ops.>")));
        assertTrue(Files.exists(dir.resolve("city.json")));
        assertTrue(store.servesTerminal("hh-9"));

        final ChildAdvertisements again = ChildAdvertisements.load(dir);
        assertEquals(Set.of("city"), again.peers());
        assertEquals("5201", again.held("city").region());
        assertEquals(new Advertisement(Set.of("uav-1", "hh-9"), Set.of("ops.>")), again.held("city").advertisement());
        assertTrue(again.servesTerminal("uav-1"));
        assertFalse(again.servesTerminal("cp-52"));
        assertEquals(Set.of("uav-1", "hh-9"), again.union().terminals());
    }
}
