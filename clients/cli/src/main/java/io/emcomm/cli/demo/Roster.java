package io.emcomm.cli.demo;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.TerminalKind;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The terminals of the scenario and who should receive what. The routing rules of docs/delivery.md are
 * restated here from the roster, independently of the router's routing table, so that the demo checks the
 * router's deliveries instead of trusting them.
 */
final class Roster
{
    /** One terminal of the scenario: identity, what it is, and the channels it subscribes to. */
    record Member(String id, String label, TerminalKind kind, String region, String linkProfile, List<String> channels)
    {
        boolean isCommandPost()
        {
            return kind == TerminalKind.COMMAND_POST;
        }
    }

    private final Map<String, Member> members = new LinkedHashMap<>();

    Roster add(final String id, final String label, final TerminalKind kind, final String region, final String linkProfile,
        final String... channels)
    {
        members.put(id, new Member(id, label, kind, region, linkProfile, List.of(channels)));
        return this;
    }

    Member get(final String id)
    {
        final Member m = members.get(id);
        if (m == null)
        {
            throw new IllegalArgumentException("no terminal " + id + " in the scenario");
        }
        return m;
    }

    Collection<Member> members()
    {
        return members.values();
    }

    /**
     * Who a message from {@code origin} to {@code to} must reach: the addressed terminal; subscribers of a
     * channel, members of a region subtree (of the given kinds) and command posts on an {@code up:} chain,
     * each except the origin itself.
     */
    Set<String> recipients(final String origin, final List<String> to)
    {
        final Set<String> out = new LinkedHashSet<>();
        for (final String text : to)
        {
            final Address a = parse(text);
            for (final Member m : members.values())
            {
                final boolean other = !m.id().equals(origin);
                final boolean reached = switch (a.scheme())
                {
                    case TERMINAL -> a.value().equals(m.id());
                    case CHANNEL -> other && subscribes(m, a.value());
                    case REGION -> other && m.region().startsWith(a.value()) && a.acceptsKind(m.kind());
                    case UP -> other && m.isCommandPost() && a.value().startsWith(m.region());
                };
                if (reached)
                {
                    out.add(m.id());
                }
            }
        }
        return out;
    }

    /** Terminals that report positions and are registered in {@code region}'s subtree. */
    List<String> fieldUnitsIn(final String region)
    {
        final List<String> out = new ArrayList<>();
        for (final Member m : members.values())
        {
            if (!m.isCommandPost() && m.region().startsWith(region))
            {
                out.add(m.id());
            }
        }
        return out;
    }

    private static boolean subscribes(final Member m, final String channel)
    {
        for (final String pattern : m.channels())
        {
            try
            {
                if (ChannelPattern.parse(pattern).matches(channel))
                {
                    return true;
                }
            }
            catch (final AddressException ex)
            {
                throw new IllegalArgumentException("bad channel pattern in the scenario: " + pattern, ex);
            }
        }
        return false;
    }

    private static Address parse(final String address)
    {
        try
        {
            return Address.parse(address);
        }
        catch (final AddressException ex)
        {
            throw new IllegalArgumentException("bad address in the scenario: " + address, ex);
        }
    }
}
