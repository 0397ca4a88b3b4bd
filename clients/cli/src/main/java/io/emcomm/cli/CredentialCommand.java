package io.emcomm.cli;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.security.TerminalRegistry;
import io.emcomm.router.security.TokenHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code emcomm credential}: a new token for a terminal, and the registry line that stores only its hash.
 * The token is printed once; the router never sees or stores it in clear.
 */
@Command(
    name = "credential",
    mixinStandardHelpOptions = true,
    description = {
        "Make a new random token for a terminal (for emcomm.auth.mode=token) and print it once, with the line",
        "to add to the terminal registry (emcomm.auth.terminals.file), which holds only a salted hash of it.",
        "With --kind router the line lets a child router open its uplink to this router (peer link)."},
    footer = {"", "Examples:", "  emcomm credential --id uav-1 --kind air --region 520102",
        "  emcomm credential --id county-520102 --kind router --region 520102"})
final class CredentialCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "Terminal id: 1-64 of [A-Za-z0-9._-].")
    String id;

    @Option(names = "--kind", required = true, paramLabel = "KIND", converter = RegistryKindConverter.class,
        description = "air, space, ground, command-post, or router for a child router's uplink (its --router-id as"
            + " --id, its --region; the child gives the token as --uplink-credential).")
    TerminalKind kind;

    @Option(names = "--region", required = true, paramLabel = "CODE", converter = Converters.RegionConverter.class,
        description = "The region the terminal is registered in.")
    String region;

    /**
     * The kinds a registry line may name: a terminal's (as addresses write them) or {@code router}, the kind of a child
     * router's peer login (docs/protocol.md section 14), which no address and no client option names.
     */
    static final class RegistryKindConverter implements ITypeConverter<TerminalKind>
    {
        @Override
        public TerminalKind convert(final String value)
        {
            if (value.equalsIgnoreCase(TerminalRegistry.ROUTER_KIND))
            {
                return TerminalKind.ROUTER;
            }
            try
            {
                return Address.parseKind(value);
            }
            catch (final AddressException ex)
            {
                throw new TypeConversionException(ex.getMessage().replace("command-post)", "command-post, router)"));
            }
        }
    }

    @Override
    public Integer call()
    {
        if (!Address.isValidTerminalId(id))
        {
            throw new CliFailure("terminal id '" + id + "' must be 1-64 of [A-Za-z0-9._-]");
        }
        final String token = TokenHash.newToken();
        final PrintWriter out = spec.commandLine().getOut();
        out.println("token (give it to the terminal; it is not stored anywhere): " + token);
        out.println("registry line:");
        // the registry's kind names: Address.kindName gives "router" for ROUTER, as TerminalRegistry reads it
        out.println(id + " " + Address.kindName(kind) + " " + region + " " + TokenHash.hash(token));
        out.flush();
        return Main.EXIT_OK;
    }
}
