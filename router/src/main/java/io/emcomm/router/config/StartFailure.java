package io.emcomm.router.config;

import io.emcomm.router.config.FileProblem;

import java.io.IOException;
import java.net.BindException;
import java.util.Locale;

/**
 * Why a router (or its admin endpoint) could not start, as one line that names the thing and the reason,
 * e.g. "cannot listen on 127.0.0.1:7400: address already in use" or "data folder /srv/data is in use by
 * process 4242". The command line prints the message as it is; nothing else is needed to act on it.
 * Thrown before the journal is opened wherever the check allows (docs/operations.md, "Starting").
 */
public final class StartFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public StartFailure(final String message)
    {
        super(message);
    }

    public StartFailure(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    /**
     * A listening socket that could not be bound.
     *
     * @param cause what Netty or the JDK threw (a {@code BindException}, Netty's native "bind(..) failed: ..."
     *              error, an unresolved address).
     */
    public static StartFailure cannotListen(final String host, final int port, final Throwable cause)
    {
        return new StartFailure("cannot listen on " + host + ":" + port + ": " + bindReason(cause), cause);
    }

    /** "address already in use", "cannot assign requested address", "permission denied", ... */
    public static String bindReason(final Throwable cause)
    {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (t instanceof java.nio.channels.UnresolvedAddressException)
            {
                return "unknown host";
            }
            final String message = t.getMessage();
            if ((t instanceof BindException || t instanceof IOException) && message != null && !message.isBlank())
            {
                // Netty's epoll transport: "bind(..) failed with error(-98): Address already in use"
                final int colon = message.lastIndexOf(": ");
                final String reason = colon >= 0 ? message.substring(colon + 2) : message;
                return reason.isEmpty() ? reason : reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
            }
        }
        return cause == null ? "unknown reason" : cause instanceof Exception ex ? FileProblem.reason(ex) : cause.toString();
    }
}
