/**
 * What the router keeps per terminal across sessions: its identity as logged in, its durable cursor, the window of
 * deliveries sent and acknowledged ahead of the cursor, its channel subscriptions, and the store that persists
 * them (docs/delivery.md, "Cursors"). A terminal's state is guarded by its own monitor and an owner epoch, so a
 * replaced session cannot write over its successor. May import: config, counters, journal.
 */
package io.emcomm.router.terminal;
