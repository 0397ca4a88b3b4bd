package io.emcomm.router.security;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.config.ConfigException;
import io.emcomm.router.config.FileProblem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The terminals allowed on the network: id, kind, region and (for token authentication) the stored hash of
 * its token. One line per terminal, blank lines and {@code #} comments ignored:
 * <pre>
 *   # id          kind          region        token hash (or - under mutual TLS)
 *   cp-5201       command-post  5201          sha256$...$...
 *   uav-1         air           520102        -
 *   county-520102 router        520102        -
 * </pre>
 * A terminal logging in must claim the kind and region listed for it, so that it cannot place itself in
 * another region's traffic. Loaded once at start; immutable.
 */
public final class TerminalRegistry
{
    /** One allowed terminal. */
    public record Entry(String id, TerminalKind kind, String region, String tokenHash)
    {
    }

    /** How a registry line names the kind of a child router (protocol.md section 14), which addresses never name. */
    public static final String ROUTER_KIND = "router";

    private final Map<String, Entry> entries;

    private TerminalRegistry(final Map<String, Entry> entries)
    {
        this.entries = entries;
    }

    /**
     * Reads the terminal registry file (docs/security.md).
     * @throws io.emcomm.router.config.ConfigException naming the file and line of a problem
     */
    public static TerminalRegistry load(final Path file)
    {
        final List<String> lines;
        try
        {
            lines = Files.readAllLines(file);
        }
        catch (final IOException ex)
        {
            throw new ConfigException("cannot read the terminals file " + file + ": " + FileProblem.reason(ex));
        }
        final Map<String, Entry> entries = new HashMap<>();
        for (int n = 0; n < lines.size(); n++)
        {
            final String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String where = file + " line " + (n + 1) + ": ";
            final String[] f = line.split("\\s+");
            if (f.length != 4)
            {
                throw new ConfigException(where + "expected 'id kind region token-hash-or-dash', got '" + line + "'");
            }
            if (!Address.isValidTerminalId(f[0]))
            {
                throw new ConfigException(where + "invalid terminal id '" + f[0] + "'");
            }
            final TerminalKind kind;
            try
            {
                // a child router's peer login (protocol.md section 14) is listed like a terminal, with kind router
                kind = f[1].equalsIgnoreCase(ROUTER_KIND) ? TerminalKind.ROUTER : Address.parseKind(f[1]);
            }
            catch (final AddressException ex)
            {
                throw new ConfigException(where + ex.getMessage());
            }
            final String regionProblem = RegionCode.problem(f[2]);
            if (regionProblem != null)
            {
                throw new ConfigException(where + regionProblem);
            }
            if (!f[3].equals("-") && !TokenHash.isStoredForm(f[3]))
            {
                throw new ConfigException(where + "the token hash must be 'sha256$salt$hash' (./emcomm credential) or '-'");
            }
            if (entries.put(f[0], new Entry(f[0], kind, f[2], f[3].equals("-") ? null : f[3])) != null)
            {
                throw new ConfigException(where + "terminal '" + f[0] + "' is listed twice");
            }
        }
        return new TerminalRegistry(Map.copyOf(entries));
    }

    /** The entry of a terminal id, or null when it is not allowed on the network. */
    public Entry entry(final String id)
    {
        return entries.get(id);
    }

    public int size()
    {
        return entries.size();
    }
}
