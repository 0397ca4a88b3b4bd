package io.emcomm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router logs its life cycle at INFO, which is what {@code emcomm router} should show. The other
 * commands embed router code only to read a journal or run a router for a demo; their output is theirs,
 * so the router's logging is turned down to warnings.
 */
final class Logging
{
    private Logging()
    {
    }

    static void quiet()
    {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root)
        {
            root.setLevel(Level.WARN);
        }
    }
}
