package io.emcomm.client;

import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.netty.channel.ChannelFuture;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Connects and reconnects (a supervisor in Erlang's sense: it decides what a failure means): the first connection
 * and its deadline, reconnects with {@link Backoff} after a lost connection or a failed attempt, which router of
 * {@link ClientOptions#routers()} each attempt dials (failover, as {@link ClientOptions.Builder#routers} states), the
 * {@link ConnectionListener} callbacks, and the end of the session: {@link ConnectionState#REPLACED} on
 * SESSION_REPLACED and {@link ConnectionState#CLOSED} on {@link #shutdown} or a router error that would recur on
 * every reconnect (protocol.md §2, §10). It opens connections through a {@link Dialer} and waits on the
 * {@link Scheduler}, so a test drives it on a manual clock; the session's state is the {@link ClientConductor}'s.
 *
 * <p>Threads: the network thread reports connection events ({@link #onWelcome}, {@link #onFatalError},
 * {@link #onDisconnect}, {@link #onDialFailed}); any thread may call {@link #shutdown}. The attempt counter, the
 * router dialled and whether to reconnect are guarded by {@code this}, which is never held while calling out.
 * Listener callbacks run on the {@link Dispatcher}'s thread, in the order they happen.
 */
final class ConnectionSupervisor
{
    /** Opens one connection to {@code router}; a failure comes back through {@link #onDialFailed}. */
    @FunctionalInterface
    interface Dialer
    {
        void dial(InetSocketAddress router);
    }

    private final ClientOptions options;
    private final ClientConductor conductor;
    private final Dispatcher dispatcher;
    private final Backoff backoff;
    private final Scheduler scheduler;
    private final Dialer dialer;
    /** Run once when the session has ended: releases what the client holds (its share of the event loop). */
    private final Runnable release;
    private final CompletableFuture<Void> firstWelcome = new CompletableFuture<>();
    private final List<InetSocketAddress> routers;
    /** The index in {@link #routers} of the router dialled last; once welcomed, the one connected to. */
    private int current;
    /** Why each router tried by the first connect failed, in order (for its message when all have). */
    private final List<EmcommException> firstFailures = new ArrayList<>(0);
    /** Attempts since the last WELCOME; the lost connection and the failed attempts make {@code attempt} failures. */
    private int attempt;
    private boolean reconnectAllowed = true;

    ConnectionSupervisor(final ClientOptions options, final ClientConductor conductor, final Dispatcher dispatcher,
        final Backoff backoff, final Scheduler scheduler, final Dialer dialer, final Runnable release)
    {
        this.options = options;
        this.conductor = conductor;
        this.dispatcher = dispatcher;
        this.backoff = backoff;
        this.scheduler = scheduler;
        this.dialer = dialer;
        this.release = release;
        this.routers = options.routers();
    }

    /** Completed by the first WELCOME; failed when the first connection fails or the session ends before it. */
    CompletableFuture<Void> firstWelcome()
    {
        return firstWelcome;
    }

    /**
     * Dials the routers in order until one welcomes the terminal and waits for that WELCOME; when every router
     * failed once (or one refused the terminal for good) the connect fails and is not retried.
     *
     * @param timeout how long to wait for the WELCOME, every dial included
     * @throws EmcommException why the router could not be reached or refused the terminal; the session has ended
     */
    void connect(final Duration timeout)
    {
        dial();
        try
        {
            firstWelcome.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
        catch (final ExecutionException ex)
        {
            final EmcommException failure = ex.getCause() instanceof EmcommException e ? e :
                new EmcommException(ex.getCause().getMessage(), ex.getCause());
            shutdown(failure);
            throw failure;
        }
        catch (final TimeoutException ex)
        {
            final EmcommException failure = new EmcommException((routers.size() == 1 ? routersNamed() + " did not welcome"
                : routersNamed() + " welcomed") + " terminal " + options.terminalId() + " within " + timeout.toMillis() + " ms");
            shutdown(failure);
            throw failure;
        }
        catch (final InterruptedException ex)
        {
            shutdown(null);
            Thread.currentThread().interrupt();
            throw new EmcommException("interrupted while connecting", ex);
        }
    }

    /** "the router at host:port", or "none of the routers a:p, b:p" for a list, for the first connect's failure. */
    private String routersNamed()
    {
        return routers.size() == 1 ? "the router at " + RouterAddresses.describe(routers.get(0)) :
            "none of the routers " + String.join(", ", routers.stream().map(RouterAddresses::describe).toList());
    }

    /** Dials the current router, unless the session has ended. */
    private void dial()
    {
        final InetSocketAddress router;
        synchronized (this)
        {
            router = routers.get(current);
        }
        if (!conductor.isClosed())
        {
            dialer.dial(router);
        }
    }

    /** A connection attempt to {@code router} failed before the connection was up. */
    void onDialFailed(final InetSocketAddress router, final Throwable why)
    {
        final EmcommException cause = new EmcommException("cannot reach the router at " + RouterAddresses.describe(router) +
            ": " + LinkFailure.connectFailure(why), why);
        if (!firstWelcome.isDone())
        {
            firstAttemptFailed(cause);
        }
        else
        {
            scheduleReconnect(cause);
        }
    }

    /**
     * The first connect's attempt failed: dials the next router at once, or, when every router has failed once,
     * fails the connect (with one router, with that router's failure; with several, naming each one's).
     */
    private void firstAttemptFailed(final EmcommException cause)
    {
        final EmcommException failure;
        synchronized (this)
        {
            firstFailures.add(cause);
            if (firstFailures.size() < routers.size() && !conductor.isClosed())
            {
                current = (current + 1) % routers.size();
                failure = null;
            }
            else
            {
                failure = routers.size() == 1 ? cause : new EmcommException(routersNamed() + " welcomed terminal " +
                    options.terminalId() + ": " + String.join("; ", firstFailures.stream().map(Throwable::getMessage).toList()),
                    cause.errorCode(), cause);
            }
        }
        if (failure == null)
        {
            dial();
        }
        else
        {
            firstWelcome.completeExceptionally(failure);
        }
    }

    /**
     * Schedules the next attempt, to the next router of the list, and tells the listener
     * (ConnectionListener#onReconnecting). It goes at once unless it comes back to the router the round began with,
     * that is, unless every router has failed once more: then it waits the backoff of the rounds failed so far. With
     * one router every attempt ends a round, which is the single-router backoff.
     */
    private void scheduleReconnect(final Throwable cause)
    {
        final long delay;
        final int thisAttempt;
        synchronized (this)
        {
            if (conductor.isClosed())
            {
                return;
            }
            thisAttempt = ++attempt;
            current = (current + 1) % routers.size();
            final boolean roundFailed = thisAttempt % routers.size() == 0;
            delay = roundFailed ? backoff.delayNanos(thisAttempt / routers.size() - 1) : 0;
        }
        final ConnectionListener listener = options.connectionListener();
        if (listener != null)
        {
            final Duration wait = Duration.ofNanos(delay);
            dispatcher.execute(() -> listener.onReconnecting(thisAttempt, wait, cause));
        }
        scheduler.schedule(this::dial, delay);
    }

    /**
     * The conductor accepted the WELCOME of {@code router}: the next loss starts the backoff from the beginning and
     * fails over to the router after this one.
     */
    void onWelcome(final InetSocketAddress router)
    {
        synchronized (this)
        {
            attempt = 0; // current already names the router welcomed: dials are one at a time
        }
        notifyState(ConnectionState.CONNECTED, null);
        final ConnectionListener listener = options.connectionListener();
        if (listener != null)
        {
            dispatcher.execute(() -> listener.onConnected(router));
        }
        firstWelcome.complete(null);
    }

    /**
     * A fatal ERROR arrived; the connection closes next. Errors that would recur on every reconnect end the
     * session: a replaced session (taking the terminal back would fight the newer login), a refused login, and
     * frames the router could not accept (which the client would send again).
     */
    synchronized void onFatalError(final Error error)
    {
        switch (error.getCode())
        {
            case SESSION_REPLACED, INVALID_TERMINAL_ID, INVALID_REGION, INVALID_KIND, UNSUPPORTED_VERSION,
                 UNKNOWN_LINK_PROFILE, AUTHENTICATION_FAILED, FRAME_TOO_LARGE, MALFORMED_FRAME, HELLO_REQUIRED,
                 UNEXPECTED_FRAME -> reconnectAllowed = false;
            default ->
            {
                // transient (idle timeout, slow consumer, shutting down, too many connections, internal): reconnect
            }
        }
    }

    private synchronized boolean reconnectAllowed()
    {
        return reconnectAllowed;
    }

    /**
     * The connection {@code lost} closed, for {@code cause} (null when the router closed it without a word). Before
     * the first WELCOME this fails {@link #connect}; after it the client reconnects, unless a fatal error forbade it,
     * in which case the session ends.
     */
    void onDisconnect(final RouterProxy lost, final Throwable cause)
    {
        final boolean first = !firstWelcome.isDone();
        final boolean allowed = reconnectAllowed();
        final boolean reconnect = !first && allowed;
        final LinkLoss loss = conductor.linkLost(lost, first || reconnect);
        if (loss == null)
        {
            return; // not the current connection: the client closed it
        }
        final boolean wasConnected = loss.wasWelcomed();
        final String router = RouterAddresses.describe(lost.router());
        final EmcommException why = cause instanceof EmcommException e && !wasConnected ? e :
            new EmcommException((wasConnected ? "connection to the router at " + router + " lost" :
                "the router at " + router + " closed the connection before welcoming terminal " +
                    options.terminalId()) + (cause != null ? ": " + cause.getMessage() : wasConnected ? "" : notTlsHint()),
                cause instanceof EmcommException e ? e.errorCode() : ErrorCode.ERROR_CODE_UNSPECIFIED, cause);
        for (final ReplayCall call : loss.replays())
        {
            dispatcher.execute(() -> call.future.completeExceptionally(why));
        }
        loss.unsubscribes().forEach(call -> call.future().completeExceptionally(why));
        if (first && allowed)
        {
            firstAttemptFailed(why); // e.g. a node going away: the next may welcome the terminal
        }
        else if (first)
        {
            firstWelcome.completeExceptionally(why); // refused for good: every node would say the same
        }
        else if (reconnect)
        {
            if (wasConnected)
            {
                notifyState(ConnectionState.DISCONNECTED, why);
            }
            scheduleReconnect(why);
        }
        else
        {
            shutdown(cause instanceof EmcommException ? cause : why);
        }
    }

    /**
     * A router that runs TLS drops a plain connection without a word, before any WELCOME; say what may be missing.
     * Not after a WELCOME: that connection spoke the protocol, so its loss (a router killed, a node gone) is no TLS
     * matter.
     */
    private String notTlsHint()
    {
        return options.tls() ? "" : " (if its terminal port uses TLS, give the client the router's CA)";
    }

    /**
     * Ends the session for good and tells the listener the final state: {@link ConnectionState#REPLACED} for a
     * {@link SessionReplacedException}, otherwise {@link ConnectionState#CLOSED} (cause null: closed by the user).
     * Closes the connection (waiting up to a second for it unless on the network thread), fails every outstanding
     * request, stops the dispatch thread after what is queued and releases the event loop. Idempotent.
     */
    void shutdown(final Throwable cause)
    {
        final SessionEnd end = conductor.end(cause);
        if (end == null)
        {
            return;
        }
        if (end.link() != null)
        {
            final ChannelFuture closing = end.link().channel().close();
            if (!end.link().channel().eventLoop().inEventLoop())
            {
                closing.awaitUninterruptibly(1, TimeUnit.SECONDS);
            }
        }
        end.outstanding().forEach(f -> f.completeExceptionally(end.failure()));
        firstWelcome.completeExceptionally(end.failure());
        notifyState(end.state(), cause);
        dispatcher.shutdown();
        release.run();
    }

    private void notifyState(final ConnectionState newState, final Throwable cause)
    {
        final ConnectionListener listener = options.connectionListener();
        if (listener != null)
        {
            dispatcher.execute(() -> listener.onStateChange(newState, cause));
        }
    }
}
