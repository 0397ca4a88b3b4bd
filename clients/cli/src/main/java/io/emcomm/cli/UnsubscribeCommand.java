package io.emcomm.cli;

import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code emcomm unsubscribe}: remove channel subscriptions of a terminal id (UNSUBSCRIBE, protocol.md §6). */
@Command(
    name = "unsubscribe",
    mixinStandardHelpOptions = true,
    description = {
        "Remove channel subscriptions of a terminal id; they are durable and end only this way.",
        "Give the patterns exactly as they were subscribed (channel:flood.> or flood.>). Removing a pattern "
            + "the terminal does not hold is not an error. Logs in as the terminal for a moment: a running 'emcomm "
            + "listen' with the same id is replaced (last login wins) and exits. Nothing delivered meanwhile is "
            + "acknowledged."},
    footer = {"", "Example:",
        "  emcomm unsubscribe --id cp-520102 --kind command-post --region 520102 channel:positions.>"})
final class UnsubscribeCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    TerminalOptions terminal;

    @Parameters(arity = "1..*", paramLabel = "PATTERN", description = "Channel patterns to remove: channel:PATTERN or PATTERN.")
    List<String> patterns;

    @Override
    public Integer call() throws InterruptedException
    {
        for (final String address : patterns)
        {
            final int colon = address.indexOf(':');
            if (colon >= 0 && !address.startsWith("channel:"))
            {
                throw new ParameterException(spec.commandLine(), "only channel:PATTERN subscriptions exist; '" + address + "' is not one");
            }
            try
            {
                ChannelPattern.parse(address.substring(colon + 1));
            }
            catch (final AddressException ex)
            {
                throw new ParameterException(spec.commandLine(), "bad pattern '" + address + "': " + ex.getMessage());
            }
        }
        // Auto-ack off and no listener: whatever the router delivers meanwhile stays with it, unseen and unacked.
        try (EmcommClient client = EmcommClient.connect(terminal.required().autoAck(false).build()))
        {
            client.unsubscribe(patterns.toArray(String[]::new)).get(10, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new CliFailure(String.valueOf(ex.getCause().getMessage()));
        }
        catch (final TimeoutException ex)
        {
            throw new CliFailure("the router did not confirm within 10 s");
        }
        catch (final EmcommException ex)
        {
            throw new CliFailure(ex.getMessage());
        }
        spec.commandLine().getErr().println("unsubscribed " + terminal.id + " from " + String.join(" ", patterns));
        spec.commandLine().getErr().flush();
        return Main.EXIT_OK;
    }
}
