package io.emcomm.router.link;

import io.emcomm.protocol.wire.Advertise;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a router's subtree serves, as a child advertises it to its parent (protocol.md section 14.4): terminal ids and
 * channel subscription patterns (without {@code channel:}). Immutable; the sets are copies.
 *
 * @param terminals terminal ids served here or below
 * @param channels  channel subscription patterns held here or below
 */
public record Advertisement(Set<String> terminals, Set<String> channels)
{
    /** Nothing advertised. */
    public static final Advertisement EMPTY = new Advertisement(Set.of(), Set.of());

    /** Copies the sets. */
    public Advertisement
    {
        terminals = Set.copyOf(terminals);
        channels = Set.copyOf(channels);
    }

    /**
     * The ADVERTISE payloads that tell a parent this whole advertisement: the first with {@code reset}, the rest adding
     * to it, each at most {@code maxPayloadBytes}. Always at least one (an empty reset clears the parent's copy).
     */
    public List<Advertise> full(final int maxPayloadBytes)
    {
        return chunks(true, terminals, List.of(), channels, List.of(), maxPayloadBytes);
    }

    /**
     * The ADVERTISE payloads that turn {@code before} into this advertisement at the parent, each at most
     * {@code maxPayloadBytes}; none when nothing changed.
     */
    public List<Advertise> deltaFrom(final Advertisement before, final int maxPayloadBytes)
    {
        return chunks(false, minus(terminals, before.terminals), minus(before.terminals, terminals),
            minus(channels, before.channels), minus(before.channels, channels), maxPayloadBytes);
    }

    private static List<String> minus(final Set<String> a, final Set<String> b)
    {
        final List<String> out = new ArrayList<>();
        for (final String s : a)
        {
            if (!b.contains(s))
            {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Splits the four lists over payloads of at most {@code maxPayloadBytes}: a string costs its tag, its length's
     * varint and its bytes (ids and patterns are ASCII). Only the first payload carries {@code reset}.
     */
    static List<Advertise> chunks(final boolean reset, final Collection<String> addTerminals,
        final Collection<String> removeTerminals, final Collection<String> addChannels,
        final Collection<String> removeChannels, final int maxPayloadBytes)
    {
        final List<Advertise> out = new ArrayList<>();
        final List<Collection<String>> lists = List.of(addTerminals, removeTerminals, addChannels, removeChannels);
        Advertise.Builder frame = Advertise.newBuilder().setReset(reset);
        int size = reset ? 2 : 0;
        boolean empty = true;
        for (int field = 0; field < lists.size(); field++)
        {
            for (final String s : lists.get(field))
            {
                final int cost = 1 + varintSize(s.length()) + s.length();
                if (!empty && size + cost > maxPayloadBytes)
                {
                    out.add(frame.build());
                    frame = Advertise.newBuilder();
                    size = 0;
                }
                switch (field)
                {
                    case 0 -> frame.addAddTerminals(s);
                    case 1 -> frame.addRemoveTerminals(s);
                    case 2 -> frame.addAddChannels(s);
                    default -> frame.addRemoveChannels(s);
                }
                size += cost;
                empty = false;
            }
        }
        if (size > 0)
        {
            out.add(frame.build());
        }
        return out;
    }

    private static int varintSize(final int value)
    {
        return value < 1 << 7 ? 1 : value < 1 << 14 ? 2 : value < 1 << 21 ? 3 : 4;
    }

    /** A mutable copy, for a parent applying ADVERTISE frames. */
    Builder toBuilder()
    {
        return new Builder(new HashSet<>(terminals), new HashSet<>(channels));
    }

    /**
     * The advertisement a parent holds for a child while ADVERTISE frames arrive (one read batch's worth before it is
     * published as an {@link Advertisement}). Event loop of the link; not thread-safe.
     */
    static final class Builder
    {
        private final Set<String> terminals;
        private final Set<String> channels;

        Builder(final Set<String> terminals, final Set<String> channels)
        {
            this.terminals = terminals;
            this.channels = channels;
        }

        /** Applies one ADVERTISE (a reset clears first); returns whether anything changed. */
        boolean apply(final Advertise frame)
        {
            boolean changed = false;
            if (frame.getReset())
            {
                changed = !terminals.isEmpty() || !channels.isEmpty();
                terminals.clear();
                channels.clear();
            }
            for (final String t : frame.getRemoveTerminalsList())
            {
                changed |= terminals.remove(t);
            }
            for (final String c : frame.getRemoveChannelsList())
            {
                changed |= channels.remove(c);
            }
            changed |= terminals.addAll(frame.getAddTerminalsList());
            changed |= channels.addAll(frame.getAddChannelsList());
            return changed;
        }

        Advertisement build()
        {
            return new Advertisement(terminals, channels);
        }
    }
}
