package io.emcomm.router.sequence;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.router.address.Destination;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.delivery.DeliveryFrames;
import io.emcomm.router.route.Recipients;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.session.Session;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The last step of the {@link Sequencer}: a journaled message is resolved to the sessions and peer links it reaches,
 * each once, and one DELIVERY frame (and, only when a link is among them, one peer variant) is handed to each feed.
 * Publishing event loop, under the publish lock; allocates nothing but the frames.
 */
final class Fanout
{
    /**
     * Delivery frames are made on the publisher's event loop and released on each subscriber's, after the
     * write. The pooled allocator's thread caches do not survive that (every allocation went to the shared
     * arena, under its lock); Netty 4.2's adaptive allocator carves small buffers out of shared chunks and
     * takes a release from any thread back cheaply.
     */
    private static final ByteBufAllocator DELIVERY_FRAMES = new AdaptiveByteBufAllocator(true);

    private final RoutingTable table;
    private final RouterCounters counters;

    Fanout(final RoutingTable table, final RouterCounters counters)
    {
        this.table = table;
        this.counters = counters;
    }

    /**
     * Hands the journaled message to every session and peer link it reaches. Caller holds the publish lock.
     *
     * @param origin     the publishing terminal's session (kept out unless it addressed itself), or null
     * @param ingress    the peer link the message came over (kept out), or null
     * @param originKind the origin kind as journaled, for a peer link's DELIVERY
     * @param originRegion the origin region as journaled, for a peer link's DELIVERY
     * @return the sessions the message was handed to now (PUBLISH_ACK {@code delivered_now}).
     */
    int route(final Session origin, final Session ingress, final EnvelopeHeader header,
        final Destination[] destinations, final int count, final ByteBuf frame, final int offset, final int length,
        final long index, final long journaledAtMicros, final int originKind, final String originRegion)
    {
        final Recipients recipients = Recipients.forThread();
        recipients.begin();
        if (origin != null)
        {
            recipients.exclude(origin);
        }
        if (ingress != null)
        {
            recipients.exclude(ingress);
            // the link may have a newer session already (it reconnected while this one's last frames were read):
            // that one is the same router, which has the message
            final Session current = table.peer(ingress.terminalId());
            if (current != null)
            {
                recipients.exclude(current);
            }
        }
        boolean includeSelf = false;
        for (int i = 0; i < count; i++)
        {
            final Destination d = destinations[i];
            destinations[i] = null;
            if (origin != null && d.address().scheme() == Address.Scheme.TERMINAL && d.address().value().equals(origin.terminalId()))
            {
                includeSelf = true;
            }
            else
            {
                table.resolve(d, recipients);
            }
        }
        if (includeSelf)
        {
            recipients.forceAdd(origin);
        }
        final int n = recipients.size();
        counters.addFanOut(n);
        if (n == 0)
        {
            return 0;
        }
        int peers = 0;
        for (int i = 0; i < n; i++)
        {
            if (recipients.get(i).isPeer())
            {
                peers++;
            }
        }
        final int terminals = n - peers;
        // One frame for all terminals and, only when a peer link is among the recipients, one peer variant (origin
        // kind and region) for all links: the last of each takes it, the others a retained duplicate (own indices,
        // shared bytes; the adaptive allocator recycles duplicates), so fan-out copies nothing.
        final ByteBuf delivery = terminals == 0 ? null
            : DeliveryFrames.delivery(DELIVERY_FRAMES, index, frame, offset, length, journaledAtMicros, 0, header);
        final ByteBuf peerDelivery = peers == 0 ? null : DeliveryFrames.peerDelivery(DELIVERY_FRAMES, index, frame, offset,
            length, journaledAtMicros, header, originKind, originRegion);
        int terminalsLeft = terminals;
        int peersLeft = peers;
        int handed = 0;
        for (int i = 0; i < n; i++)
        {
            final Session s = recipients.get(i);
            final ByteBuf share;
            if (s.isPeer())
            {
                share = --peersLeft == 0 ? peerDelivery : peerDelivery.retainedDuplicate();
            }
            else
            {
                share = --terminalsLeft == 0 ? delivery : delivery.retainedDuplicate();
            }
            if (s.feed().handOff(share))
            {
                handed++;
            }
        }
        return handed;
    }
}
