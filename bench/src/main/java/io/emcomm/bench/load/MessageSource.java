package io.emcomm.bench.load;

/**
 * What the open-loop sender drives: one call per message, on the sender thread only.
 */
public interface MessageSource
{
    /**
     * Sends message {@code index}, stamped with its intended send time.
     *
     * @return false when the system under test pushes back; the sender retries the same message.
     */
    boolean send(long index, long intendedNanos);

    /** Pushes out anything buffered; called whenever the sender is about to wait. */
    void flush();
}
