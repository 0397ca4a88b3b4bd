/**
 * Framing (protocol.md section 2): length-prefixed frames with a type byte, decoded and encoded on Netty buffers.
 * Codec instances belong to one channel. May import the generated wire messages only.
 */
package io.emcomm.protocol.frame;
