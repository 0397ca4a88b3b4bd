package io.emcomm.router.replay;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.router.journal.JournalEntry;

/**
 * Which journal entries a replay selects: index range, journaled-at time range, origin, region
 * (the origin's region in the subtree, or a region:/up: destination in it) and minimum precedence.
 */
public final class ReplayFilter
{
    private final ReplayRequest request;

    private ReplayFilter(final ReplayRequest request)
    {
        this.request = request;
    }

    /** Validates a request; returns the problem, or null when it is acceptable. */
    public static String problem(final ReplayRequest r)
    {
        if (r.getRequestId() == 0)
        {
            return "request_id must not be 0 (replay items carry it to tell them from live deliveries)";
        }
        if (r.getToIndex() != 0 && r.getToIndex() < r.getFromIndex())
        {
            return "to_index is before from_index";
        }
        if (r.getToMicros() != 0 && r.getToMicros() < r.getFromMicros())
        {
            return "to_micros is before from_micros";
        }
        if (!r.getRegionCode().isEmpty() && !RegionCode.isValid(r.getRegionCode()))
        {
            return RegionCode.problem(r.getRegionCode());
        }
        if (!r.getOrigin().isEmpty() && !Address.isValidTerminalId(r.getOrigin()))
        {
            return "origin '" + r.getOrigin() + "' is not a valid terminal id";
        }
        return null;
    }

    public static ReplayFilter of(final ReplayRequest request)
    {
        return new ReplayFilter(request);
    }

    public ReplayRequest request()
    {
        return request;
    }

    /**
     * True when the journal entry is inside the request's index and time window and matches its region, kinds and
     * origins (protocol.md section 6).
     */
    public boolean matches(final JournalEntry entry, final EnvelopeHeader header)
    {
        if (entry.index() < request.getFromIndex())
        {
            return false;
        }
        if (request.getFromMicros() != 0 && entry.journaledAtMicros() < request.getFromMicros())
        {
            return false;
        }
        if (request.getToMicros() != 0 && entry.journaledAtMicros() > request.getToMicros())
        {
            return false;
        }
        if (request.getMinPrecedenceValue() != 0 && header.precedenceNumber() < request.getMinPrecedenceValue())
        {
            return false;
        }
        if (!request.getOrigin().isEmpty() && !header.originEquals(request.getOrigin()))
        {
            return false;
        }
        final String region = request.getRegionCode();
        if (!region.isEmpty() && !entry.originRegionWithin(region) && !addressedWithin(header, region))
        {
            return false;
        }
        return true;
    }

    private static boolean addressedWithin(final EnvelopeHeader header, final String region)
    {
        for (int i = 0; i < header.destinationCount(); i++)
        {
            final String to = header.destination(i);
            final int colon = to.indexOf(':');
            if (colon > 0 && (to.startsWith("region:") || to.startsWith("up:")) && to.startsWith(region, colon + 1))
            {
                return true;
            }
        }
        return false;
    }
}
