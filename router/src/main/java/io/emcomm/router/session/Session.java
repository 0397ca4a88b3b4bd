package io.emcomm.router.session;

import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.delivery.Outbound;
import io.emcomm.router.journal.OriginState;
import io.netty.channel.Channel;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One logged-in terminal or command post: its identity as given at hello, its connection and its
 * outbound queue. Created by the connection's handler after a valid hello, immutable in identity.
 */
public final class Session
{
    /** Up to this many routing threads can each stamp a session (see {@link Recipients}). */
    public static final int MAX_ROUTING_THREADS = 64;

    private final String terminalId;
    private final byte[] terminalIdBytes;
    private final TerminalKind kind;
    private final String regionCode;
    private final Channel channel;
    private final Outbound outbound;
    private final OriginState originState;
    private final Set<String> subscriptions = ConcurrentHashMap.newKeySet();
    final long[] routeStamps = new long[MAX_ROUTING_THREADS];
    private volatile boolean open = true;

    public Session(final String terminalId, final TerminalKind kind, final String regionCode, final Channel channel,
        final Outbound outbound, final OriginState originState)
    {
        this.terminalId = terminalId;
        this.terminalIdBytes = terminalId.getBytes(StandardCharsets.US_ASCII);
        this.kind = kind;
        this.regionCode = regionCode;
        this.channel = channel;
        this.outbound = outbound;
        this.originState = originState;
    }

    public String terminalId()
    {
        return terminalId;
    }

    /** The terminal id's ASCII bytes, for writing acks without encoding a string each time. */
    public byte[] terminalIdBytes()
    {
        return terminalIdBytes;
    }

    public TerminalKind kind()
    {
        return kind;
    }

    public boolean isCommandPost()
    {
        return kind == TerminalKind.COMMAND_POST;
    }

    public String regionCode()
    {
        return regionCode;
    }

    public Channel channel()
    {
        return channel;
    }

    public Outbound outbound()
    {
        return outbound;
    }

    public OriginState originState()
    {
        return originState;
    }

    /** Channel patterns this session subscribed to (control plane). */
    public Set<String> subscriptions()
    {
        return subscriptions;
    }

    public boolean isOpen()
    {
        return open;
    }

    public void markClosed()
    {
        open = false;
        outbound.close();
    }

    @Override
    public String toString()
    {
        return terminalId + '(' + kind + '@' + regionCode + ')';
    }
}
