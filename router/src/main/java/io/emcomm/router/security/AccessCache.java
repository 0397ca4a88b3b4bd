package io.emcomm.router.security;

import io.emcomm.router.address.Destination;
import io.emcomm.router.terminal.TerminalIdentity;

/**
 * One session's cached authorization decisions, keyed by the identity of the cached {@link Destination}
 * objects the routing path already holds, so that checking a publish is an array probe and allocates
 * nothing after the first message to each address. Used only on the session's event loop.
 *
 * <p>The slots are made at the first publish and kept: most terminals of a large network only listen, and two
 * 64-slot arrays per session would be ~540 bytes of each idle terminal's heap.
 */
public final class AccessCache
{
    private static final int SIZE = 64;

    private final AccessPolicy policy;
    private Destination[] keys;
    private int[] masks;

    public AccessCache(final AccessPolicy policy)
    {
        this.policy = policy;
    }

    /** The bodies the session may publish to the destination, as a mask of {@link AccessPolicy#bodyBit}s. */
    public int publishMask(final TerminalIdentity session, final Destination destination)
    {
        if (keys == null)
        {
            keys = new Destination[SIZE];
            masks = new int[SIZE];
        }
        final int slot = System.identityHashCode(destination) & (SIZE - 1);
        if (keys[slot] == destination)
        {
            return masks[slot];
        }
        final int mask = policy.publishMask(session.terminalId(), session.kind(), session.regionCode(), destination.address());
        keys[slot] = destination;
        masks[slot] = mask;
        return mask;
    }

    public AccessPolicy policy()
    {
        return policy;
    }
}
