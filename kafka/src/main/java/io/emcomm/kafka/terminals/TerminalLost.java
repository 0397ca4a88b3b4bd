package io.emcomm.kafka.terminals;

/**
 * A write for a terminal this node does not own (never claimed here, or another node's newer claim was read
 * before the write was): it did not become the terminal's state. The router refuses the request that asked for it
 * (a SUBSCRIBE on a session being replaced).
 */
public final class TerminalLost extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was refused and why
     */
    public TerminalLost(final String message)
    {
        super(message);
    }
}
