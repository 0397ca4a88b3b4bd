/**
 * The network edge: the Netty pipeline (TLS, framing, admission, handshake, logged-in traffic), the control frames
 * the router writes, and the session lifecycle. Netty event loops. May import every layer below it; nothing below
 * imports it.
 */
package io.emcomm.router.net;
