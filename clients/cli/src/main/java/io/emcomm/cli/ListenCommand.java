package io.emcomm.cli;

import io.emcomm.cli.format.DeliveryFormat;
import io.emcomm.client.ConnectionListener;
import io.emcomm.client.ConnectionState;
import io.emcomm.client.Delivery;
import io.emcomm.client.EmcommClient;
import io.emcomm.client.EmcommException;
import io.emcomm.client.SessionReplacedException;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.wire.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code emcomm listen}: print and acknowledge what the router delivers to a terminal. Says on stderr when the
 * connection drops and comes back, and exits 1 with the reason when the session ends without being asked to
 * (replaced by another login of the same id, refused by the router): a listener never stops silently.
 */
@Command(
    name = "listen",
    mixinStandardHelpOptions = true,
    description = {
        "Connect as a terminal, print each delivered message and acknowledge it once printed.",
        "Receives what is addressed to the terminal, its region and (for command posts) its chain of command, "
            + "plus the channels given with --subscribe. Messages held for the terminal while it was away come "
            + "first.",
        "On stderr: 'disconnected', 'reconnecting' and 'reconnected' lines as the connection to the router "
            + "drops and returns. Exits 1 when another login with the same id replaces this session (last login "
            + "wins).",
        "A message delivered again (the router resends what was not acknowledged) is printed again, marked "
            + "'(again)' (JSON: \"again\":true), and not counted twice."},
    footer = {"", "Examples:",
        "  emcomm listen --id cp-520102 --kind command-post --region 520102 --subscribe channel:positions.> --json",
        "  emcomm listen --id cp-5201 --kind command-post --region 5201 --no-ack    (watch FLASH resend and escalation)"})
final class ListenCommand implements Callable<Integer>
{
    /** Journal indexes remembered to recognise a redelivery; the oldest are forgotten past this many. */
    static final int REMEMBERED_INDEXES = 65_536;

    @Spec
    CommandSpec spec;

    @Mixin
    TerminalOptions terminal;

    @Option(names = "--subscribe", arity = "1..*", split = ",", paramLabel = "ADDRESS",
        description = "Channel subscriptions: channel:PATTERN, with * for one token and > for the rest.")
    List<String> subscriptions = List.of();

    @Option(names = "--count", paramLabel = "N",
        description = "Exit 0 after N distinct messages, N >= 1 (their acks sent); later ones stay with the router.")
    Integer count;

    @Option(names = "--timeout", paramLabel = "DURATION", converter = Converters.PositiveDurationConverter.class,
        description = "Stop after this long and exit 0 (default: run until Ctrl-C); with --count, fewer than N "
            + "messages by then is a failure (exit 1).")
    Duration timeout;

    @Option(names = "--no-ack", description = "Print but never acknowledge: the router keeps every message and resends "
        + "unacknowledged FLASH (and escalates it), which this shows. The messages are delivered again at the next login.")
    boolean noAck;

    @Option(names = "--json", description = "One JSON object per line (index, id, origin, precedence, to, text, ...).")
    boolean json;

    /** What the dispatch thread knows; touched only there (deliveries and state changes run on it in order). */
    private final Set<Long> seen = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false)
    {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<Long, Boolean> eldest)
        {
            return size() > REMEMBERED_INDEXES;
        }
    });
    private int distinct;
    private boolean disconnected;
    /** Set by a stop signal (under this lock): nothing more is printed or acknowledged. */
    private boolean stopping;

    @Override
    public Integer call() throws InterruptedException
    {
        if (count != null && count < 1)
        {
            throw new ParameterException(spec.commandLine(), "--count must be at least 1 (leave it out to listen until Ctrl-C or --timeout)");
        }
        for (final String address : subscriptions)
        {
            checkSubscription(address);
        }
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final CompletableFuture<EmcommClient> connected = new CompletableFuture<>();
        // Completed with the exit code once --count messages are printed, or with a CliFailure when the session ends.
        final CompletableFuture<Integer> outcome = new CompletableFuture<>();
        final EmcommClient client;
        try
        {
            client = EmcommClient.connect(terminal.required()
                .autoAck(false) // acked by hand below, once printed, so that nothing unseen is acknowledged
                .deliveryListener(d -> onDelivery(d, connected, out, outcome))
                .connectionListener(new ConnectionListener()
                {
                    @Override
                    public void onStateChange(final ConnectionState state, final Throwable cause)
                    {
                        ListenCommand.this.onStateChange(state, cause, err, outcome);
                    }

                    @Override
                    public void onReconnecting(final int attempt, final Duration delay, final Throwable cause)
                    {
                        reconnecting(attempt, delay, err);
                    }

                    @Override
                    public void onConnected(final InetSocketAddress router)
                    {
                        reconnected(router, err);
                    }
                })
                .build());
        }
        catch (final EmcommException ex)
        {
            connected.completeExceptionally(ex);
            throw new CliFailure(ex.getMessage());
        }
        connected.complete(client);
        // Ctrl-C and SIGTERM, the usual way to stop a listener, end the wait instead of the JVM, so that the client is
        // closed and the acks of everything printed reach the router (else the last printed come again next time)
        final StopSignals signals = StopSignals.install(() -> stop(outcome));
        try (client)
        {
            if (!subscriptions.isEmpty())
            {
                subscribe(client);
            }
            final InetSocketAddress router = client.connectedRouter();
            err.println("listening as " + client.terminalId() + " on " + (router == null ? terminal.router : hostPort(router)) +
                (subscriptions.isEmpty() ? "" : ", subscribed to " + String.join(" ", subscriptions)) +
                (noAck ? " (not acknowledging)" : ""));
            err.flush();
            return await(outcome);
        }
        finally
        {
            signals.restore();
        }
    }

    /**
     * A stop signal: nothing more is printed, and the wait ends. Taking the lock first means no delivery is between its
     * printing and its ack, so everything printed has its ack written before the client closes.
     */
    private void stop(final CompletableFuture<Integer> outcome)
    {
        synchronized (this)
        {
            stopping = true;
        }
        outcome.complete(Main.EXIT_OK);
    }

    private int await(final CompletableFuture<Integer> outcome) throws InterruptedException
    {
        try
        {
            return timeout == null ? outcome.get() : outcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw ex.getCause() instanceof CliFailure failure ? failure : new CliFailure(String.valueOf(ex.getCause().getMessage()));
        }
        catch (final TimeoutException ex)
        {
            if (count != null)
            {
                throw new CliFailure("timed out after " + timeout.toMillis() + " ms with " + printed() + " of " + count +
                    " messages");
            }
            return Main.EXIT_OK;
        }
    }

    private synchronized int printed()
    {
        return distinct;
    }

    private synchronized void onDelivery(final Delivery d, final CompletableFuture<EmcommClient> connected,
        final PrintWriter out, final CompletableFuture<Integer> outcome)
    {
        final boolean again = seen.contains(d.journalIndex());
        if (stopping || !again && count != null && distinct >= count)
        {
            return; // not acked: the router keeps it for the next listener
        }
        final EmcommClient client = connected.exceptionally(ex -> null).join(); // deliveries may beat connect()'s return
        if (client == null)
        {
            return;
        }
        out.println(again ? again(d) : json ? DeliveryFormat.json(d) : DeliveryFormat.line(d));
        out.flush();
        if (!noAck)
        {
            client.ack(d.journalIndex());
        }
        if (!again)
        {
            seen.add(d.journalIndex());
            distinct++;
            if (count != null && distinct == count)
            {
                outcome.complete(Main.EXIT_OK);
            }
        }
    }

    private String again(final Delivery d)
    {
        return json ? DeliveryFormat.json(DeliveryFormat.object(d).put("again", true)) : DeliveryFormat.line(d) + " (again)";
    }

    /** Dispatch thread: one line per attempt, so an operator sees the listener is alive while the router is down. */
    private synchronized void reconnecting(final int attempt, final Duration delay, final PrintWriter err)
    {
        err.println("reconnecting to " + terminal.router + " (attempt " + attempt + " in " + delay.toMillis() + " ms)");
        err.flush();
    }

    /**
     * Dispatch thread, after every CONNECTED: names the router that welcomed the terminal back, which after a failover
     * is another one of the {@code --router} list. The first login is the one {@link #call()} reports itself.
     */
    private synchronized void reconnected(final InetSocketAddress router, final PrintWriter err)
    {
        if (disconnected)
        {
            disconnected = false;
            err.println("reconnected to " + hostPort(router));
            err.flush();
        }
    }

    private static String hostPort(final InetSocketAddress router)
    {
        return router.getHostString() + ":" + router.getPort();
    }

    /** Dispatch thread. */
    private synchronized void onStateChange(final ConnectionState state, final Throwable cause, final PrintWriter err,
        final CompletableFuture<Integer> outcome)
    {
        switch (state)
        {
            case CONNECTED ->
            {
                // said by reconnected(), which names the router of a list that took the terminal back
            }
            case DISCONNECTED ->
            {
                disconnected = true;
                err.println("disconnected from " + terminal.router + (cause == null ? "" : ": " + cause.getMessage()));
            }
            case REPLACED -> outcome.completeExceptionally(new CliFailure(sessionEnded(cause)));
            case CLOSED ->
            {
                if (cause != null) // null: closed by this command on its way out
                {
                    outcome.completeExceptionally(new CliFailure(sessionEnded(cause)));
                }
            }
        }
        err.flush();
    }

    /**
     * One line for a session the router ended: {@code session replaced by another login from /10.0.0.7:50123}
     * for a replacement (the router's words name the new login's address after " from "), else the reason.
     */
    static String sessionEnded(final Throwable cause)
    {
        if (cause == null)
        {
            return "session ended by the router";
        }
        final boolean replaced = cause instanceof SessionReplacedException
            || cause instanceof EmcommException e && e.errorCode() == ErrorCode.SESSION_REPLACED;
        final String message = String.valueOf(cause.getMessage());
        if (!replaced)
        {
            return "session ended: " + message;
        }
        final int from = message.lastIndexOf(" from ");
        return from < 0 ? "session replaced by another login (" + message + ")" :
            "session replaced by another login from " + message.substring(from + " from ".length());
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
}
