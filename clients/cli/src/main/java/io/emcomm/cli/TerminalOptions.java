package io.emcomm.cli;

import io.emcomm.client.ClientOptions;
import io.emcomm.protocol.wire.TerminalKind;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Who this command connects as, and where: {@code --router --id --kind --region} ({@code --router} takes one router
 * or the nodes of a cluster, {@link Converters.Routers}), plus how to reach the router
 * securely ({@link RouterAccessOptions}: TLS and credential). Commands that need an identity (send, listen)
 * insist on one; commands that only read (replay) get a default one.
 */
final class TerminalOptions
{
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--router", paramLabel = "HOST:PORT[,HOST:PORT...]", defaultValue = "127.0.0.1:7400",
        converter = Converters.RoutersConverter.class,
        description = "Router address (default: ${DEFAULT-VALUE}); for the nodes of a cluster, several, comma-separated: "
            + "the client tries them in order and fails over to the next when one is lost.")
    Converters.Routers router;

    @Option(names = "--id", paramLabel = "ID", description = "Terminal id: 1-64 of [A-Za-z0-9._-].")
    String id;

    @Option(names = "--kind", paramLabel = "KIND", converter = Converters.KindConverter.class,
        description = "Terminal kind: air, space, ground or command-post.")
    TerminalKind kind;

    @Option(names = "--region", paramLabel = "CODE", converter = Converters.RegionConverter.class,
        description = "Region code of the terminal: 2, 4, 6, 9 or 12 digits, e.g. 5201 (Guiyang).")
    String region;

    @Option(names = "--link-profile", paramLabel = "PROFILE",
        description = "Ask the router to shape deliveries for a narrow link: a profile name or rate:BYTES_PER_SECOND.")
    String linkProfile;

    @Mixin
    RouterAccessOptions access;

    /** Options for a command that must be told who it is. */
    ClientOptions.Builder required()
    {
        if (id == null || kind == null || region == null)
        {
            throw new ParameterException(mixee.commandLine(), "--id, --kind and --region are required");
        }
        return build(id, kind, region);
    }

    /** Options for a command that may connect anonymously as a command post of the given region. */
    ClientOptions.Builder orDefault(final String defaultId, final String defaultRegion)
    {
        return build(id != null ? id : defaultId, kind != null ? kind : TerminalKind.COMMAND_POST,
            region != null ? region : defaultRegion);
    }

    private ClientOptions.Builder build(final String terminalId, final TerminalKind terminalKind, final String regionCode)
    {
        try
        {
            return access.apply(ClientOptions.builder()
                .routers(router.addresses())
                .terminal(terminalId, terminalKind, regionCode)
                .clientName("emcomm-cli/0.1")
                .linkProfile(linkProfile))
                .build()
                .toBuilder(); // build() validates the id and reads the TLS files now, as a usage error
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ParameterException(mixee.commandLine(), ex.getMessage());
        }
    }
}
