/**
 * One logged-in connection as the rest of the router sees it: identity, channel, delivery feed, per-session caches,
 * and the batch of PUBLISH_ACKs written at the end of each read batch. Event loop of the connection.
 * May import: the layers below it, config to delivery.
 */
package io.emcomm.router.session;
