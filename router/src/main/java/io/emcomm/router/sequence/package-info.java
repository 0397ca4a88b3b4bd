/**
 * The sequencer: checks, dedupes, journals and routes each publish in one total order under one publish lock, and
 * returns the answer for the publisher (protocol.md 4.2, 4.3). It never writes to a connection; the network layer
 * writes its answers. Publisher's event loop. May import: the layers below it, config to route.
 */
package io.emcomm.router.sequence;
