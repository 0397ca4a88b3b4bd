package io.emcomm.kafka;

/**
 * A local cluster that cannot start, or a broker that cannot be restarted, for a reason the user can fix: one
 * line naming the thing and the reason ("port 19092 is in use (broker of node 1)", "data folder DIR is in use
 * by process N"), never a stack trace for the command line.
 */
public final class ClusterFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * A failure with its one-line message.
     *
     * @param message what failed and why, one line
     */
    public ClusterFailure(final String message)
    {
        super(message);
    }

    /**
     * A failure with its one-line message and the exception behind it.
     *
     * @param message what failed and why, one line
     * @param cause   the exception behind it
     */
    public ClusterFailure(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
