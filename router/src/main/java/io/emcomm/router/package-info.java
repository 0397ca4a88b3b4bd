/**
 * The router as one running thing: {@link io.emcomm.router.Router} wires the layers below into a Netty server and
 * {@link io.emcomm.router.OperatorServices} runs retention, the disk guard and the admin endpoint beside it.
 * Start-up and shutdown run on the caller's thread; the routing runs on the Netty event loops; operator services on
 * one {@code emcomm-ops} thread. The top layer: it may import every package of the router
 * (docs/architecture.md, "Packages").
 */
package io.emcomm.router;
