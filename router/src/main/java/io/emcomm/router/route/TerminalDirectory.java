package io.emcomm.router.route;

/**
 * Whether the router has ever seen a terminal id: it logged in at least once (so it has a delivery cursor,
 * kept across restarts in {@code data/cursors}), or, with authentication on, it is in the terminal registry.
 * A PUBLISH_ACK lists the {@code terminal:} destinations naming an id it has not seen in
 * {@code unknown_terminals} (docs/protocol.md section 4.2), most often a misspelt id.
 *
 * <p>Called on the publishing event loop for every {@code terminal:} destination: implementations must be
 * safe from any thread, must not block and must not allocate.
 */
@FunctionalInterface
public interface TerminalDirectory
{
    boolean everSeen(String terminalId);
}
