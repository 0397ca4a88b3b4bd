package io.emcomm.client;

import io.emcomm.protocol.wire.ErrorCode;

/**
 * The router closed this client's session because the same terminal id logged in again
 * ({@code SESSION_REPLACED}, protocol.md §3). The client is then in {@link ConnectionState#REPLACED} and does
 * not reconnect.
 */
public final class SessionReplacedException extends EmcommException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param routerMessage the router's words, which name the other login's address
     *                      ("terminal cp-1 logged in again from /127.0.0.1:50123")
     */
    public SessionReplacedException(final String routerMessage)
    {
        super("session replaced by another login: " + routerMessage, ErrorCode.SESSION_REPLACED, null);
    }
}
