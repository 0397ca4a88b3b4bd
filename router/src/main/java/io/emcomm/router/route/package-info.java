/**
 * The live routing table (protocol.md section 5): terminal ids, channel subscriptions, the region tree and the
 * chain of command, resolved to the set of sessions a message reaches, each once. Read by every publishing loop,
 * changed at login, logout and (un)subscribe. May import: the layers below it, config to session.
 */
package io.emcomm.router.route;
