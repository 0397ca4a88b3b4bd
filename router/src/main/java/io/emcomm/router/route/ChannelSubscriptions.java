package io.emcomm.router.route;

import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.router.route.Recipients;
import io.emcomm.router.session.Session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channel subscriptions, literal and wildcard. Publishing resolves a channel name through a cache of
 * matched sessions that is valid for one version of the subscription set; any subscribe or unsubscribe
 * bumps the version, and the next publish to each channel recomputes its match once. So the hot path is a
 * map lookup and an array walk, and wildcard matching runs only after a change.
 */
final class ChannelSubscriptions
{
    private record Subscription(ChannelPattern pattern, Session session)
    {
    }

    private record Match(long version, Session[] sessions)
    {
    }

    private final List<Subscription> subscriptions = new ArrayList<>();
    private final ConcurrentHashMap<String, Match> matches = new ConcurrentHashMap<>();
    private volatile long version;

    synchronized void add(final Session session, final ChannelPattern pattern)
    {
        for (final Subscription s : subscriptions)
        {
            if (s.session == session && s.pattern.pattern().equals(pattern.pattern()))
            {
                return;
            }
        }
        subscriptions.add(new Subscription(pattern, session));
        changed();
    }

    synchronized void remove(final Session session, final String pattern)
    {
        if (subscriptions.removeIf(s -> s.session == session && (pattern == null || s.pattern.pattern().equals(pattern))))
        {
            changed();
        }
    }

    private void changed()
    {
        version++;
        matches.clear();
    }

    void collect(final String channel, final Recipients out)
    {
        Match match = matches.get(channel);
        final long current = version;
        if (match == null || match.version != current)
        {
            match = compute(channel);
        }
        for (final Session s : match.sessions)
        {
            out.add(s);
        }
    }

    private synchronized Match compute(final String channel)
    {
        final List<Session> found = new ArrayList<>();
        for (final Subscription s : subscriptions)
        {
            if (s.pattern.matches(channel) && !found.contains(s.session))
            {
                found.add(s.session);
            }
        }
        final Match match = new Match(version, found.toArray(new Session[0]));
        if (matches.size() < 100_000)
        {
            matches.put(channel, match);
        }
        return match;
    }
}
