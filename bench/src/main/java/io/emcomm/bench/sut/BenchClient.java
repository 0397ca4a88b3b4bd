package io.emcomm.bench.sut;

/**
 * One connection of the harness to a system under test.
 *
 * <p>Threading: {@link #publish} and {@link #flush} are called by one thread at a time (the load
 * generator's sender, or the client's own delivery thread for a responder); {@link #subscribe} before
 * traffic starts.
 */
public interface BenchClient extends AutoCloseable
{
    /** Subscribes to a channel and returns once the system has confirmed it. */
    void subscribe(String channel) throws Exception;

    /**
     * Sends one 256-byte payload stamped with its intended send time.
     *
     * @return false when the client cannot take the message now (back-pressure); the caller retries later.
     */
    boolean publish(Destination to, long stampNanos, boolean flash);

    /** Pushes out whatever {@link #publish} buffered. Called when the sender has caught up. */
    void flush();

    @Override
    void close();
}
