/**
 * Destination addresses as the router uses them (protocol.md section 5): parsed once per thread into cached
 * {@link io.emcomm.router.address.Destination}s, and the matcher that decides whether a journaled envelope reaches a
 * terminal, which catch-up uses and which must agree with the routing table. Per-thread caches; no locks.
 * May import: config, counters, journal, terminal.
 */
package io.emcomm.router.address;
