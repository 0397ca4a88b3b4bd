package io.emcomm.router.security;

import io.emcomm.router.address.Destination;
import io.emcomm.router.terminal.TerminalIdentity;

/**
 * One session's cached authorization decisions, keyed by the identity of the cached {@link Destination}
 * objects the routing path already holds, so that checking a publish is an array probe and allocates
 * nothing after the first message to each address. Used only on the session's event loop.
 */
public final class AccessCache
{
    private static final int SIZE = 64;

    private final AccessPolicy policy;
    private final Destination[] keys = new Destination[SIZE];
    private final int[] masks = new int[SIZE];

    public AccessCache(final AccessPolicy policy)
    {
        this.policy = policy;
    }

    /** The bodies the session may publish to the destination, as a mask of {@link AccessPolicy#bodyBit}s. */
    public int publishMask(final TerminalIdentity session, final Destination destination)
    {
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
