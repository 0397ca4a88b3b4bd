package io.emcomm.client;

import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.netty.channel.ChannelFuture;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Connects and reconnects (a supervisor in Erlang's sense: it decides what a failure means): the first connection
 * and its deadline, reconnects with {@link Backoff} after a lost connection or a failed attempt, the
 * {@link ConnectionListener} callbacks, and the end of the session: {@link ConnectionState#REPLACED} on
 * SESSION_REPLACED and {@link ConnectionState#CLOSED} on {@link #shutdown} or a router error that would recur on
 * every reconnect (protocol.md §2, §10). It opens connections through a {@link Dialer} and waits on the
 * {@link Scheduler}, so a test drives it on a manual clock; the session's state is the {@link ClientConductor}'s.
 *
 * <p>Threads: the network thread reports connection events ({@link #onWelcome}, {@link #onFatalError},
 * {@link #onDisconnect}, {@link #onDialFailed}); any thread may call {@link #shutdown}. The attempt counter and
 * whether to reconnect are guarded by {@code this}, which is never held while calling out. Listener callbacks run
 * on the {@link Dispatcher}'s thread, in the order they happen.
 */
final class ConnectionSupervisor
{
    /** Opens one connection to the router; a failure comes back through {@link #onDialFailed}. */
    @FunctionalInterface
    interface Dialer
    {
        void dial();
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
    }

    /** Completed by the first WELCOME; failed when the first connection fails or the session ends before it. */
    CompletableFuture<Void> firstWelcome()
    {
        return firstWelcome;
    }

    /**
     * Dials and waits for the first WELCOME; a first connection that fails is not retried.
     *
     * @param timeout how long to wait for the WELCOME, dial included
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
            final EmcommException failure = new EmcommException("the router at " + options.routerAddress() +
                " did not welcome terminal " + options.terminalId() + " within " + timeout.toMillis() + " ms");
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

    private void dial()
    {
        if (!conductor.isClosed())
        {
            dialer.dial();
        }
    }

    /** A connection attempt failed before the connection was up. */
    void onDialFailed(final Throwable why)
    {
        final EmcommException cause = new EmcommException("cannot reach the router at " + options.routerAddress() + ": " +
            LinkFailure.connectFailure(why), why);
        if (!firstWelcome.isDone())
        {
            firstWelcome.completeExceptionally(cause);
        }
        else
        {
            scheduleReconnect(cause);
        }
    }

    /** Schedules the next attempt with backoff and tells the listener (ConnectionListener#onReconnecting). */
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
            delay = backoff.delayNanos(attempt);
            thisAttempt = ++attempt;
        }
        final ConnectionListener listener = options.connectionListener();
        if (listener != null)
        {
            final Duration wait = Duration.ofNanos(delay);
            dispatcher.execute(() -> listener.onReconnecting(thisAttempt, wait, cause));
        }
        scheduler.schedule(this::dial, delay);
    }

    /** The conductor accepted a WELCOME: the next loss starts the backoff from the beginning. */
    void onWelcome()
    {
        synchronized (this)
        {
            attempt = 0;
        }
        notifyState(ConnectionState.CONNECTED, null);
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
        final boolean reconnect = !first && reconnectAllowed();
        final LinkLoss loss = conductor.linkLost(lost, first || reconnect);
        if (loss == null)
        {
            return; // not the current connection: the client closed it
        }
        final boolean wasConnected = loss.wasWelcomed();
        final EmcommException why = cause instanceof EmcommException e && !wasConnected ? e :
            new EmcommException((wasConnected ? "connection to the router at " + options.routerAddress() + " lost" :
                "the router at " + options.routerAddress() + " closed the connection before welcoming terminal " +
                    options.terminalId()) + (cause == null ? notTlsHint() : ": " + cause.getMessage()),
                cause instanceof EmcommException e ? e.errorCode() : ErrorCode.ERROR_CODE_UNSPECIFIED, cause);
        for (final ReplayCall call : loss.replays())
        {
            dispatcher.execute(() -> call.future.completeExceptionally(why));
        }
        loss.unsubscribes().forEach(call -> call.future().completeExceptionally(why));
        if (first)
        {
            firstWelcome.completeExceptionally(why);
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

    /** A router that runs TLS drops a plain connection without a word; say what may be missing. */
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
