package io.emcomm.client;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.TerminalKind;

import java.util.Objects;

/**
 * Who the terminal is, as its HELLO says (protocol.md §2): id, kind, region, client name, the link profile it asks
 * for and its token. Part of {@link ClientOptions}; immutable, validated once by {@link #validate()}.
 *
 * @param linkProfile "" = unshaped
 * @param credential  "" = none; never logged
 */
record TerminalIdentity(String terminalId, TerminalKind kind, String regionCode, String clientName, String linkProfile,
                        String credential)
{
    static final TerminalIdentity UNNAMED = new TerminalIdentity(null, null, null, "emcomm-java/0.1", "", "");

    TerminalIdentity withTerminal(final String id, final TerminalKind newKind, final String region)
    {
        return new TerminalIdentity(id, newKind, region, clientName, linkProfile, credential);
    }

    TerminalIdentity withClientName(final String name)
    {
        return new TerminalIdentity(terminalId, kind, regionCode, name, linkProfile, credential);
    }

    TerminalIdentity withLinkProfile(final String profile)
    {
        return new TerminalIdentity(terminalId, kind, regionCode, clientName, profile == null ? "" : profile, credential);
    }

    TerminalIdentity withCredential(final String token)
    {
        return new TerminalIdentity(terminalId, kind, regionCode, clientName, linkProfile, token == null ? "" : token);
    }

    /** @throws IllegalArgumentException naming the first bad field (NullPointerException for a null client name) */
    void validate()
    {
        if (!Address.isValidTerminalId(terminalId))
        {
            throw new IllegalArgumentException("terminal id '" + terminalId + "' must be 1-64 of [A-Za-z0-9._-]");
        }
        if (kind == null || kind == TerminalKind.TERMINAL_KIND_UNSPECIFIED || kind == TerminalKind.UNRECOGNIZED)
        {
            throw new IllegalArgumentException("terminal kind must be air, space, ground or command-post");
        }
        if (kind == TerminalKind.ROUTER)
        {
            // a router's HELLO opens a peer link (protocol.md section 14): the router would take this client for a
            // child router and expect ADVERTISE and imports, which a client never sends
            throw new IllegalArgumentException("terminal kind router is for a child router's uplink (emcomm.uplink),"
                + " never a client's: use air, space, ground or command-post");
        }
        final String regionProblem = RegionCode.problem(regionCode);
        if (regionProblem != null)
        {
            throw new IllegalArgumentException(regionProblem);
        }
    }

    /** The client name is checked after the timeouts, as before the split: the first bad option is named. */
    void validateClientName()
    {
        Objects.requireNonNull(clientName, "clientName");
    }

    @Override
    public String toString()
    {
        return terminalId + " " + Address.kindName(kind) + " " + regionCode; // never the credential
    }
}
