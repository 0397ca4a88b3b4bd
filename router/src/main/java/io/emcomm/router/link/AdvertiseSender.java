package io.emcomm.router.link;

import io.emcomm.protocol.wire.Advertise;
import io.emcomm.router.conn.ControlFrames;
import io.netty.channel.ChannelHandlerContext;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The child's end of the advertisement (docs/protocol.md section 14.4): the whole of it when the link comes up, then,
 * after each change, one delta for all the changes of {@link #COALESCE_MS}: what this router's subtree serves now
 * against what the parent was last told. Each ADVERTISE stays under the parent's frame limit.
 *
 * <p>One per uplink; its event loop, except {@link #changed()}, which any thread may call.
 */
final class AdvertiseSender
{
    /** How long changes to the local advertisement are gathered before one delta goes to the parent. */
    static final long COALESCE_MS = 200;

    private final PeerLinks links;
    private final ChannelHandlerContext ctx;
    private final int maxPayloadBytes;
    /** What the parent holds of this router's advertisement. */
    private Advertisement sent = Advertisement.EMPTY;
    private boolean scheduled;

    /**
     * @param ctx             the uplink's handler context
     * @param maxPayloadBytes the largest ADVERTISE payload the parent takes (its frame limit less the type byte)
     */
    AdvertiseSender(final PeerLinks links, final ChannelHandlerContext ctx, final int maxPayloadBytes)
    {
        this.links = links;
        this.ctx = ctx;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** Link-up: the whole advertisement, the first frame with {@code reset}. Written and flushed. */
    void sendFull()
    {
        sent = links.localAdvertisement();
        write(sent.full(maxPayloadBytes));
    }

    /** The local advertisement may have changed: a delta goes out after {@link #COALESCE_MS}. Any thread. */
    void changed()
    {
        ctx.executor().execute(() ->
        {
            if (!scheduled && ctx.channel().isActive())
            {
                scheduled = true;
                ctx.executor().schedule(this::sendDelta, COALESCE_MS, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void sendDelta()
    {
        scheduled = false;
        if (!ctx.channel().isActive())
        {
            return;
        }
        final Advertisement now = links.localAdvertisement();
        final List<Advertise> frames = now.deltaFrom(sent, maxPayloadBytes);
        sent = now;
        write(frames);
    }

    private void write(final List<Advertise> frames)
    {
        for (final Advertise a : frames)
        {
            ControlFrames.advertise(ctx, a);
        }
        ctx.flush();
    }
}
