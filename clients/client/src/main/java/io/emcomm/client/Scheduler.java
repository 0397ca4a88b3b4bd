package io.emcomm.client;

/**
 * Runs a task once after a delay: how the supervisor waits out a reconnect backoff and the conductor's publish
 * deadlines are swept. The client's implementation schedules on its network thread (a task refused because the
 * shared event loop is stopping is dropped: it stops only after this client has closed); tests run due tasks
 * when they advance a manual clock.
 */
@FunctionalInterface
interface Scheduler
{
    /**
     * @param task       what to run, on the network thread in the client
     * @param delayNanos how long to wait, nanoseconds of the {@link ClientClock}
     */
    void schedule(Runnable task, long delayNanos);
}
