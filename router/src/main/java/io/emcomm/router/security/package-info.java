/**
 * Who may log in and what they may do (docs/security.md): token and certificate authentication against the
 * terminal registry, the access policy per destination, per-session caches of its decisions, and publish rate
 * limits. Built once at start, thread-safe; the per-session caches and limiters are used on the session's event
 * loop only. May import: config, counters, journal, terminal, address.
 */
package io.emcomm.router.security;
