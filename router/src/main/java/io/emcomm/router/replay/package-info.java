/**
 * REPLAY of the journal to an authorised command post and the latest known position of each terminal (protocol.md
 * section 6). A replay runs on its session's event loop in bounded slices. May import: the layers below it.
 */
package io.emcomm.router.replay;
