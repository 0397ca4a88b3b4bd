package io.emcomm.cli;

import io.emcomm.client.Delivery;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code emcomm listen}: print and acknowledge what the router delivers to a terminal. */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = {
        "Connect as a terminal, print each delivered message and acknowledge it.",
        "Receives what is addressed to the terminal, its region and (for command posts) its chain of command,",
        "plus the channels given with --subscribe. Messages held for the terminal while it was away come first."},
    footer = {"", "Example:",
        "  emcomm listen --id cp-520102 --kind command-post --region 520102 --subscribe channel:positions.> --json"})
final class ListenCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    TerminalOptions terminal;

    @Option(names = "--subscribe", arity = "1..*", split = ",", paramLabel = "ADDRESS",
        description = "Channel subscriptions: channel:PATTERN, with * for one token and > for the rest.")
    List<String> subscriptions = List.of();

    @Option(names = "--count", paramLabel = "N", description = "Exit after N messages (their acks sent).")
    int count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.PositiveDurationConverter.class,
        description = "Exit after this long; with --count, fewer than N messages by then is a failure.")
    Duration timeout;

    @Option(names = "--json", description = "One JSON object per line (index, id, origin, precedence, to, text, ...).")
    boolean json;

    @Override
    public Integer call() throws InterruptedException
    {
        if (count < 0)
        {
            throw new ParameterException(spec.commandLine(), "--count must not be negative");
        }
        for (final String address : subscriptions)
        {
            checkSubscription(address);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final CountDownLatch enough = new CountDownLatch(count > 0 ? count : 1);
        final CompletableFuture<EmcommClient> connected = new CompletableFuture<>();
        final int[] received = {0}; // dispatch thread only
        final EmcommClient client;
        try
        {
            client = EmcommClient.connect(terminal.required()
                .autoAck(false) // acked by hand below, so that messages past --count stay with the router
                .deliveryListener(d -> onDelivery(d, connected, received, out, enough))
                .build());
        }
        catch (final EmcommException ex)
        {
            connected.completeExceptionally(ex);
            throw new CliFailure(ex.getMessage());
        }
        connected.complete(client);
        try (client)
        {
            if (!subscriptions.isEmpty())
            {
                subscribe(client);
            }
            final PrintWriter err = spec.commandLine().getErr();
            err.println("listening as " + client.terminalId() + " on " + terminal.router +
                (subscriptions.isEmpty() ? "" : ", subscribed to " + String.join(" ", subscriptions)));
            err.flush();
            final boolean done = timeout == null ? awaitForever(enough) : enough.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            if (!done && count > 0)
            {
                throw new CliFailure("timed out after " + timeout.toMillis() + " ms with " + (count - enough.getCount()) +
                    " of " + count + " messages");
            }
            return Main.EXIT_OK;
        }
    }

    private void onDelivery(final Delivery d, final CompletableFuture<EmcommClient> connected, final int[] received,
        final PrintWriter out, final CountDownLatch enough)
    {
        if (count > 0 && received[0] >= count)
        {
            return; // not acked: the router keeps it for the next listener
        }
        final EmcommClient client = connected.exceptionally(ex -> null).join(); // deliveries may beat connect()'s return
        if (client == null)
        {
            return;
        }
        received[0]++;
        out.println(json ? DeliveryFormat.json(d) : DeliveryFormat.line(d));
        out.flush();
        client.ack(d.journalIndex());
        enough.countDown();
    }

    private void checkSubscription(final String address)
    {
        final int colon = address.indexOf(':');
        if (colon >= 0 && !address.startsWith("channel:"))
        {
            throw new ParameterException(spec.commandLine(), "--subscribe takes channel:PATTERN addresses; '" + address +
                "' is reached through --id, --kind and --region");
        }
        try
        {
            ChannelPattern.parse(address.substring(colon + 1));
        }
        catch (final AddressException ex)
        {
            throw new ParameterException(spec.commandLine(), "bad subscription '" + address + "': " + ex.getMessage());
        }
    }

    private void subscribe(final EmcommClient client) throws InterruptedException
    {
        try
        {
            client.subscribe(subscriptions.toArray(String[]::new)).get(10, TimeUnit.SECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw new CliFailure(ex.getCause().getMessage());
        }
        catch (final TimeoutException ex)
        {
            throw new CliFailure("the router did not confirm the subscription within 10 s");
        }
    }

    private boolean awaitForever(final CountDownLatch enough) throws InterruptedException
    {
        if (count > 0)
        {
            enough.await();
            return true;
        }
        new CountDownLatch(1).await(); // until Ctrl-C
        return true;
    }
}
