package io.emcomm.router.link;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.Advertise;
import io.emcomm.router.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The parent's end of a child's ADVERTISE frames (docs/protocol.md section 14.4): each is checked and applied to the
 * child's advertisement as it stands here; at the end of the read batch a changed advertisement is kept (durably),
 * given to the link's scope and passed upward ({@link PeerLinks#childAdvertised}). A terminal the registry places
 * outside the child's subtree is left out.
 *
 * <p>One per child link; event loop of the link.
 */
final class AdvertiseIntake
{
    private static final Logger LOG = LoggerFactory.getLogger(AdvertiseIntake.class);

    private final PeerLinks links;
    private final Session session;
    private final Advertisement.Builder advertised;
    private boolean changed;

    /** Starts from what the child advertised before, if anything. */
    AdvertiseIntake(final PeerLinks links, final Session session)
    {
        this.links = links;
        this.session = session;
        final ChildAdvertisements.Held held = links.children().held(session.terminalId());
        this.advertised = (held == null ? Advertisement.EMPTY : held.advertisement()).toBuilder();
    }

    /** Applies one ADVERTISE; returns why it was ignored whole (an id or pattern that is none), or null. */
    String apply(final Advertise advertise)
    {
        links.advertiseReceived(session.terminalId());
        final String problem = problem(advertise);
        if (problem != null)
        {
            return problem;
        }
        changed |= advertised.apply(withoutForeignTerminals(advertise));
        return null;
    }

    /** End of the read batch: a changed advertisement is kept and takes effect. */
    void endOfBatch()
    {
        if (changed)
        {
            changed = false;
            links.childAdvertised(session.peerScope(), session.regionCode(), advertised.build());
        }
    }

    /** The first terminal id or channel pattern of an ADVERTISE that is not one, or null. */
    private static String problem(final Advertise advertise)
    {
        for (final List<String> ids : List.of(advertise.getAddTerminalsList(), advertise.getRemoveTerminalsList()))
        {
            for (final String id : ids)
            {
                if (!Address.isValidTerminalId(id))
                {
                    return "'" + id + "' is not a terminal id";
                }
            }
        }
        for (final List<String> patterns : List.of(advertise.getAddChannelsList(), advertise.getRemoveChannelsList()))
        {
            for (final String pattern : patterns)
            {
                try
                {
                    ChannelPattern.parse(pattern);
                }
                catch (final AddressException ex)
                {
                    return "channel pattern '" + pattern + "': " + ex.getMessage();
                }
            }
        }
        return null;
    }

    /** The ADVERTISE without the terminals the registry places outside the child's subtree (logged, not applied). */
    private Advertise withoutForeignTerminals(final Advertise advertise)
    {
        Advertise.Builder kept = null;
        for (int i = 0; i < advertise.getAddTerminalsCount(); i++)
        {
            final String id = advertise.getAddTerminals(i);
            if (!links.mayAdvertise(session.regionCode(), id))
            {
                if (kept == null)
                {
                    kept = advertise.toBuilder().clearAddTerminals()
                        .addAllAddTerminals(advertise.getAddTerminalsList().subList(0, i));
                }
                LOG.warn("peer link {}: advertised terminal {}, which the registry places outside region {}; ignored",
                    session, id, session.regionCode());
            }
            else if (kept != null)
            {
                kept.addAddTerminals(id);
            }
        }
        return kept == null ? advertise : kept.build();
    }
}
