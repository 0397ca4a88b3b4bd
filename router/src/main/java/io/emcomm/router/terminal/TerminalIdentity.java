package io.emcomm.router.terminal;

import io.emcomm.protocol.wire.TerminalKind;

import java.nio.charset.StandardCharsets;

/**
 * Who a logged-in terminal is, as its HELLO was accepted (protocol.md section 3): its id, its kind and its
 * region code (GB/T 2260 digits, a prefix of every code below it). This is all that routing, matching and access
 * decisions need to know about a session; they take this value rather than the session, so the routing layer does
 * not depend on the network layer. Immutable; any thread.
 */
public final class TerminalIdentity
{
    private final String terminalId;
    private final byte[] terminalIdBytes;
    private final TerminalKind kind;
    private final String regionCode;

    /**
     * @param terminalId the terminal id (ASCII, 1 to 64 characters, validated at HELLO)
     * @param kind       the terminal's kind as it logged in
     * @param regionCode its region code, "" for none
     */
    public TerminalIdentity(final String terminalId, final TerminalKind kind, final String regionCode)
    {
        this.terminalId = terminalId;
        this.terminalIdBytes = terminalId.getBytes(StandardCharsets.US_ASCII);
        this.kind = kind;
        this.regionCode = regionCode;
    }

    /** The terminal id. */
    public String terminalId()
    {
        return terminalId;
    }

    /** The terminal id's ASCII bytes, for writing frames without encoding a string each time. Do not modify. */
    public byte[] terminalIdBytes()
    {
        return terminalIdBytes;
    }

    /** The kind the terminal logged in as. */
    public TerminalKind kind()
    {
        return kind;
    }

    /** True for a command post: it receives {@code up:} traffic from its region subtree (protocol.md 5.4). */
    public boolean isCommandPost()
    {
        return kind == TerminalKind.COMMAND_POST;
    }

    /** The region code, "" for none. */
    public String regionCode()
    {
        return regionCode;
    }

    @Override
    public String toString()
    {
        return terminalId + '(' + kind + '@' + regionCode + ')';
    }
}
