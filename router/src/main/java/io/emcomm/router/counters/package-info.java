/**
 * The router's event counters (published, journaled, nacked by reason, delivered, ...): incremented on the event
 * loops without locks, read by metrics and status on any thread. May import: config.
 */
package io.emcomm.router.counters;
