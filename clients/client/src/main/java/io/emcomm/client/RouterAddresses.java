package io.emcomm.client;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Router addresses as operators write them and as messages show them: the parser behind
 * {@link ClientOptions#parseRouters} and the {@code host:port} of a router in every message. Stateless.
 */
final class RouterAddresses
{
    private RouterAddresses()
    {
    }

    /** {@link ClientOptions#parseRouters}: {@code HOST:PORT[,HOST:PORT...]}, unresolved, in the order written. */
    static List<InetSocketAddress> parse(final String text)
    {
        if (text == null || text.isBlank())
        {
            throw new IllegalArgumentException("no router given (HOST:PORT[,HOST:PORT...])");
        }
        final String[] entries = text.split(",", -1);
        final List<InetSocketAddress> routers = new ArrayList<>(entries.length);
        for (final String raw : entries)
        {
            final InetSocketAddress router = parseOne(raw.trim());
            if (router == null)
            {
                throw new IllegalArgumentException("bad router '" + raw.trim() + "'" +
                    (entries.length > 1 ? " in '" + text + "'" : "") + ": not HOST:PORT with a port in 1..65535");
            }
            routers.add(router);
        }
        return List.copyOf(routers);
    }

    /** One entry of {@link #parse}, or null when it is not one. */
    private static InetSocketAddress parseOne(final String entry)
    {
        if (entry.isEmpty())
        {
            return null; // "a,,b" or a trailing comma: a slip, not a wish for the default router
        }
        final int colon = entry.lastIndexOf(':');
        final boolean bracketed = entry.startsWith("[");
        final boolean hasPort = colon >= 0 && (!bracketed || colon > entry.indexOf(']')) &&
            (bracketed || entry.indexOf(':') == colon);
        String host = hasPort ? entry.substring(0, colon) : entry;
        if (bracketed)
        {
            if (!host.endsWith("]") || host.length() < 3)
            {
                return null;
            }
            host = host.substring(1, host.length() - 1);
        }
        else if (host.indexOf(':') >= 0 || host.indexOf('[') >= 0 || host.indexOf(']') >= 0)
        {
            return null; // an IPv6 literal needs brackets, or its last group would be taken for the port
        }
        int port = ClientOptions.DEFAULT_PORT;
        if (hasPort)
        {
            try
            {
                port = Integer.parseInt(entry.substring(colon + 1));
            }
            catch (final NumberFormatException ex)
            {
                return null;
            }
        }
        if (port < 1 || port > 65535 || host.chars().anyMatch(Character::isWhitespace))
        {
            return null;
        }
        return InetSocketAddress.createUnresolved(host.isEmpty() ? ClientOptions.DEFAULT_HOST : host, port);
    }

    /** {@code host:port} of a router as it was given, for messages ({@link InetSocketAddress#toString} adds the IP). */
    static String describe(final InetSocketAddress router)
    {
        final String host = router.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + router.getPort();
    }
}
