package io.emcomm.client;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Welcome;

/**
 * The limits a router's WELCOME sets on one connection (protocol.md §1, §2 and §9): the longest frame the client may
 * send ({@code max_frame_bytes}; frames from the router may be {@link Frames#ROUTER_FRAME_ALLOWANCE} longer) and
 * how long the router may stay silent before the client gives the connection up.
 */
final class LinkLimits
{
    /**
     * The inbound frame limit until the router's WELCOME has been handled: the largest frame any router may send
     * (its largest configurable {@code max_frame_bytes} plus the allowance). A smaller guess would be wrong: a
     * router with a larger limit may write its first DELIVERY in the same TCP segment as the WELCOME, and the
     * decoder reads that frame's length before the WELCOME is handled.
     */
    static final int BEFORE_WELCOME_MAX_FRAME_BYTES = Frames.MAX_MAX_FRAME_BYTES + Frames.ROUTER_FRAME_ALLOWANCE;

    /** Three heartbeat intervals without a frame mean the router is gone. */
    static final int SILENT_INTERVALS = 3;

    private LinkLimits()
    {
    }

    /**
     * The longest frame the client may send, in bytes (type byte + payload): the WELCOME's {@code max_frame_bytes}
     * clamped to the protocol's range; a router that announces none is taken to use the default.
     */
    static int maxFrameBytes(final Welcome welcome)
    {
        final int announced = welcome.getMaxFrameBytes();
        return announced <= 0 ? Frames.DEFAULT_MAX_FRAME_BYTES :
            Math.max(Frames.MIN_MAX_FRAME_BYTES, Math.min(Frames.MAX_MAX_FRAME_BYTES, announced));
    }

    /** The longest frame the client accepts from the router after {@code welcome}, in bytes. */
    static int maxInboundFrameBytes(final Welcome welcome)
    {
        return maxFrameBytes(welcome) + Frames.ROUTER_FRAME_ALLOWANCE;
    }
}
