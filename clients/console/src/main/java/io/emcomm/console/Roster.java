package io.emcomm.console;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.emcomm.protocol.region.RegionCode;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Who is there (issue 17, item 5): the terminals of the post's region subtree, online and offline, with the
 * time each was last heard, and the router's health.
 *
 * <p>Online is what the router's {@code /status} lists as connected ({@link #status}); a client learns nothing
 * of other terminals' sessions over the wire. Offline is every terminal the console has heard of (an origin of
 * a delivery, a position report) that is not in that list. "Last heard" is the latest journal time of anything
 * from the terminal that the console saw; while it is connected, at least its login time; once it leaves, at
 * least the time of the last reading that still listed it (so a terminal that never sent anything shows when it
 * was last seen online).
 *
 * <p>A terminal whose region is known (from {@code /status} or a position report's channel) and lies outside
 * the post's subtree is not listed; one whose region the console does not know (a delivery's origin says no
 * region) is listed, since it addressed the post. The post itself is not listed: its own link is part of the
 * health. Thread-safe; {@link #takeChanged()} tells the poller whether there is something new to push.
 */
final class Roster
{
    /** Health's {@code admin} value when the console does not poll the router ({@code --router-admin none}). */
    static final String ADMIN_OFF = "off";
    /** Health's {@code admin} value while the last reading succeeded. */
    static final String ADMIN_OK = "ok";
    /** Health's {@code admin} value when the last reading failed. */
    static final String ADMIN_UNREACHABLE = "unreachable";

    private final String postId;
    private final String postRegion;
    private final Map<String, Known> known = new LinkedHashMap<>();
    private String admin;
    private String problem = "";
    private RouterStatus last;
    private long checkedAt;
    private boolean changed = true;

    private static final class Known
    {
        String kind = "";
        String region = "";
        long heardAt;
        boolean online;
        long connectedSince;
        long seenOnlineAt;
        /** Kind and region came from the router's /status: what a message implies (a channel's region) does not override them. */
        boolean fromStatus;
    }

    /**
     * @param polled false when the router's admin endpoint is not polled: the health then says so
     */
    Roster(final String postId, final String postRegion, final boolean polled)
    {
        this.postId = postId;
        this.postRegion = postRegion;
        this.admin = polled ? ADMIN_UNREACHABLE : ADMIN_OFF;
        this.problem = polled ? "not read yet" : "";
    }

    /**
     * The console heard from a terminal: a delivery's origin, or a position report.
     *
     * @param kind   air, space, ground, command-post; "" = not known from this message
     * @param region its region code; "" = not known from this message
     * @param atMillis the message's journal time, milliseconds since the Unix epoch
     */
    synchronized void heard(final String terminal, final String kind, final String region, final long atMillis)
    {
        if (terminal.isEmpty() || terminal.equals(postId))
        {
            return;
        }
        final Known k = known.computeIfAbsent(terminal, id ->
        {
            changed = true;
            return new Known();
        });
        if (!kind.isEmpty() && !kind.equals(k.kind) && !k.fromStatus)
        {
            k.kind = kind;
            changed = true;
        }
        if (!region.isEmpty() && !region.equals(k.region) && !k.fromStatus)
        {
            k.region = region;
            changed = true;
        }
        if (atMillis > k.heardAt)
        {
            k.heardAt = atMillis;
            changed = true;
        }
    }

    /** A successful reading of the router's {@code /status}, taken at {@code nowMillis}. */
    synchronized void status(final RouterStatus status, final long nowMillis)
    {
        checkedAt = nowMillis;
        if (!ADMIN_OK.equals(admin) || !status.equals(last))
        {
            changed = true;
        }
        admin = ADMIN_OK;
        problem = "";
        last = status;
        final Set<String> online = new HashSet<>();
        for (final RouterStatus.Connected c : status.terminals())
        {
            if (c.id().equals(postId))
            {
                continue;
            }
            if (!RegionCode.contains(postRegion, c.region()))
            {
                // outside the subtree: never listed, but a terminal the post heard from is now known to be outside
                // (and of which kind), rather than listed as "region unknown, offline"
                final Known outside = known.get(c.id());
                if (outside != null && (!outside.fromStatus || !c.region().equals(outside.region)))
                {
                    outside.kind = c.kind();
                    outside.region = c.region();
                    outside.fromStatus = true;
                    changed = true;
                }
                continue;
            }
            online.add(c.id());
            final Known k = known.computeIfAbsent(c.id(), id -> new Known());
            k.fromStatus = true;
            k.kind = c.kind();
            k.region = c.region();
            k.online = true;
            k.connectedSince = c.connectedSinceMillis();
            k.seenOnlineAt = nowMillis;
        }
        known.forEach((id, k) ->
        {
            if (k.online && !online.contains(id))
            {
                k.online = false;
                changed = true;
            }
        });
    }

    /**
     * The router's admin endpoint could not be read: who is online is unknown, and the snapshot says so (online
     * null) until a reading succeeds again.
     */
    synchronized void unreachable(final String why, final long nowMillis)
    {
        checkedAt = nowMillis;
        if (!ADMIN_UNREACHABLE.equals(admin) || !problem.equals(why))
        {
            changed = true;
        }
        admin = ADMIN_UNREACHABLE;
        problem = why;
    }

    /** True when something shown has changed since the last call (the poller then pushes a snapshot). */
    synchronized boolean takeChanged()
    {
        final boolean was = changed;
        changed = false;
        return was;
    }

    /** The kind of a terminal as far as the console knows it; "" = unknown. */
    synchronized String kindOf(final String terminal)
    {
        final Known k = known.get(terminal);
        return k == null ? "" : k.kind;
    }

    /**
     * Who is there, as the page reads it: {@code {health: {admin, problem, ready, journalLastIndex, diskRefusing,
     * checkedAt}, terminals: [{id, kind, region, online, connectedSince, lastHeard}]}}; times in milliseconds
     * since the Unix epoch, 0 = unknown; {@code ready} is null unless {@code admin} is {@code ok}; {@code online} is
     * null (unknown) unless the last reading of the admin endpoint succeeded — an unreachable or unused endpoint says
     * nothing about who is connected.
     */
    synchronized ObjectNode snapshot()
    {
        final ObjectNode s = JsonNodeFactory.instance.objectNode();
        final ObjectNode health = s.putObject("health").put("admin", admin).put("problem", problem)
            .put("checkedAt", checkedAt);
        if (ADMIN_OK.equals(admin))
        {
            health.put("ready", last.ready()).put("journalLastIndex", last.journalLastIndex())
                .put("diskRefusing", last.diskRefusing());
        }
        else
        {
            health.putNull("ready");
        }
        final ArrayNode terminals = s.putArray("terminals");
        known.forEach((id, k) ->
        {
            if (!k.region.isEmpty() && !RegionCode.contains(postRegion, k.region))
            {
                return;
            }
            final long lastHeard = Math.max(k.heardAt, k.online ? k.connectedSince : k.seenOnlineAt);
            final ObjectNode row = terminals.addObject().put("id", id).put("kind", k.kind).put("region", k.region);
            if (ADMIN_OK.equals(admin))
            {
                row.put("online", k.online);
            }
            else
            {
                row.putNull("online");
            }
            row.put("connectedSince", k.online ? k.connectedSince : 0).put("lastHeard", lastHeard);
        });
        return s;
    }
}
