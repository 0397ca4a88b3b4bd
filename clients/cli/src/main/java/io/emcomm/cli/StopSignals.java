package io.emcomm.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns SIGTERM and SIGINT into a call instead of the JVM's shutdown sequence, so that {@code emcomm router}
 * can close the router in order and exit 0. {@code sun.misc.Signal} is in the {@code jdk.unsupported} module,
 * exported on every JDK this project supports; where a signal cannot be handled the JVM default stays.
 */
final class StopSignals
{
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();

    private StopSignals()
    {
    }

    static StopSignals install(final Runnable onStop)
    {
        final StopSignals s = new StopSignals();
        for (final String name : new String[] {"TERM", "INT"})
        {
            try
            {
                final Signal signal = new Signal(name);
                s.previous.add(Signal.handle(signal, sig -> onStop.run()));
                s.signals.add(signal);
            }
            catch (final IllegalArgumentException | UnsupportedOperationException ex)
            {
                // not available here (or reserved by the JVM): the shutdown hook still stops the router
            }
        }
        return s;
    }

    /** Puts back the handlers found at install. */
    void restore()
    {
        for (int i = 0; i < signals.size(); i++)
        {
            Signal.handle(signals.get(i), previous.get(i));
        }
        signals.clear();
        previous.clear();
    }
}
