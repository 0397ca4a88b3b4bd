/**
 * The {@code ./emcomm} command line (picocli): router, send, listen, replay, journal tools, simulate, console,
 * bench, demo. Each command runs on the launching thread and uses the public client ({@code io.emcomm.client})
 * to reach a router. May import: format, the client, the router (for the commands that run one).
 */
package io.emcomm.cli;
