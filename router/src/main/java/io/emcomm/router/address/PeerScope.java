package io.emcomm.router.address;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.region.RegionCode;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which messages cross one peer link (issue 16, "Routing across the tree"; docs/federation.md): the one place that
 * decides it, so that the live route ({@code route.LocalRoutingTable#resolve}) and the catch-up of the link's feed
 * ({@link RouteMatcher#reaches(PeerScope, io.emcomm.router.journal.JournalEntry, EnvelopeHeader, DestinationCache)})
 * agree exactly, as {@link RouteMatcher} and the routing table do for terminals. A message is never sent back to the
 * peer it came from (its ingress); that is the caller's part, not a rule here.
 *
 * <p><b>Down</b> (the peer is my child, serving region {@code R_c}, having advertised terminals and channel patterns):
 * <ul>
 *   <li>{@code terminal:id} when the child advertised {@code id};</li>
 *   <li>{@code channel:name} when an advertised pattern matches {@code name};</li>
 *   <li>{@code region:X[/kinds]} when {@code X} and {@code R_c} overlap ({@code X} contains {@code R_c} or lies in
 *       it); the kind filter is the child's to apply;</li>
 *   <li>{@code up:X} when {@code X} lies in {@code R_c} (its chain has levels the child serves).</li>
 * </ul>
 * <b>Up</b> (the peer is my parent; my own region {@code R}, "" for none):
 * <ul>
 *   <li>{@code terminal:id} when {@code id} is not served here (no cursor or connection here, in no child's
 *       advertisement: the {@code servedHere} predicate);</li>
 *   <li>{@code channel:name} always (the parent knows who else subscribes);</li>
 *   <li>{@code region:X} when {@code X} does not lie in {@code R} (an ancestor of {@code R}, or elsewhere);</li>
 *   <li>{@code up:X} when some level of {@code X}'s chain lies outside {@code R}.</li>
 * </ul>
 * With {@code R} = "" (a router serving everything that still has a parent) only {@code terminal:} and
 * {@code channel:} cross up, since every region lies in "".
 *
 * <p>Thread-safety: the rules read an immutable snapshot of the advertisement, replaced whole by {@link #advertise}
 * (control plane), so event loops never see half an update and never lock. {@link #reaches} allocates nothing.
 */
public final class PeerScope
{
    /** What a child advertised: immutable, replaced whole. */
    private record Advertisement(Set<String> terminals, List<ChannelPattern> channels)
    {
    }

    private static final Advertisement NOTHING = new Advertisement(Set.of(), List.of());

    private final String peerId;
    private final boolean child;
    private final String region;
    private final Predicate<String> servedHere;
    private volatile Advertisement advertised = NOTHING;

    private PeerScope(final String peerId, final boolean child, final String region, final Predicate<String> servedHere)
    {
        this.peerId = Objects.requireNonNull(peerId, "peerId");
        this.child = child;
        this.region = Objects.requireNonNull(region, "region");
        this.servedHere = servedHere;
    }

    /**
     * The scope of a link to a child router. Its advertisement starts empty: until it is given ({@link #advertise})
     * only {@code region:} and {@code up:} traffic crosses.
     *
     * @param peerId      the child's router id (its HELLO terminal id)
     * @param childRegion the region the child serves, a valid region code (non-empty; checked at its HELLO)
     * @throws IllegalArgumentException when {@code childRegion} is not a valid region code
     */
    public static PeerScope child(final String peerId, final String childRegion)
    {
        final String problem = RegionCode.problem(childRegion);
        if (problem != null)
        {
            throw new IllegalArgumentException("a child router must serve a region: " + problem);
        }
        return new PeerScope(peerId, true, childRegion, null);
    }

    /**
     * The scope of the link to my parent router.
     *
     * @param peerId     the parent's router id (its WELCOME {@code router_id})
     * @param ownRegion  the region this router serves; "" for everything (then only {@code terminal:} and
     *                   {@code channel:} cross up)
     * @param servedHere whether a terminal id is served here or below: it has a cursor or a connection here, or a
     *                   child advertised it. Called on publishing event loops for every {@code terminal:} address:
     *                   must be thread-safe, must not block and should not allocate.
     */
    public static PeerScope parent(final String peerId, final String ownRegion, final Predicate<String> servedHere)
    {
        return new PeerScope(peerId, false, ownRegion, Objects.requireNonNull(servedHere, "servedHere"));
    }

    /** The peer's router id: its sessions' terminal id, its cursor's name, the ingress of what it sends. */
    public String peerId()
    {
        return peerId;
    }

    /** True for a link to a child (down), false for the link to the parent (up). */
    public boolean isChild()
    {
        return child;
    }

    /** The child's region for a child scope; this router's own region ("" allowed) for a parent scope. */
    public String region()
    {
        return region;
    }

    /**
     * Replaces what a child advertised (the terminal ids and channel patterns its subtree serves) with a whole new
     * set; the sets are copied. Control plane (the link's event loop, or a loader at start); readers on any loop see
     * the old or the new set, never a mix. For a parent scope it is kept but not used.
     */
    public void advertise(final Set<String> terminals, final List<ChannelPattern> channels)
    {
        advertised = new Advertisement(Set.copyOf(terminals), List.copyOf(channels));
    }

    /** The terminal ids last advertised (immutable). */
    public Set<String> advertisedTerminals()
    {
        return advertised.terminals();
    }

    /** The channel patterns last advertised (immutable). */
    public List<ChannelPattern> advertisedChannels()
    {
        return advertised.channels();
    }

    /**
     * Whether one destination crosses this link (the rules in the class comment). Live route: publishing event
     * loop, allocation-free.
     */
    public boolean reaches(final Destination d)
    {
        final Address a = d.address();
        switch (a.scheme())
        {
            case TERMINAL:
                return child ? advertised.terminals().contains(a.value()) : !servedHere.test(a.value());
            case CHANNEL:
                return !child || matchesAdvertised(advertised.channels(), a.value());
            case REGION:
                return child ? RegionCode.contains(a.value(), region) || RegionCode.contains(region, a.value())
                    : !RegionCode.contains(region, a.value());
            case UP:
                return child ? RegionCode.contains(region, a.value()) : chainLeaves(d.upChain());
            default:
                return false;
        }
    }

    /**
     * Whether any destination of a journaled envelope crosses this link: the catch-up side of {@link
     * #reaches(Destination)}. A destination that does not parse crosses nowhere (it was refused at publish).
     *
     * @param header an envelope header wrapped over the journaled envelope
     * @param cache  the calling thread's destination cache
     */
    public boolean reaches(final EnvelopeHeader header, final DestinationCache cache)
    {
        for (int i = 0; i < header.destinationCount(); i++)
        {
            final Destination d = cache.lookup(header, i);
            if (d != null && reaches(d))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesAdvertised(final List<ChannelPattern> channels, final String name)
    {
        for (int i = 0; i < channels.size(); i++)
        {
            if (channels.get(i).matches(name))
            {
                return true;
            }
        }
        return false;
    }

    /** Up: some level of the chain lies outside my region. */
    private boolean chainLeaves(final String[] chain)
    {
        for (final String level : chain)
        {
            if (!RegionCode.contains(region, level))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString()
    {
        return (child ? "child " : "parent ") + peerId + (region.isEmpty() ? "" : "@" + region);
    }
}
