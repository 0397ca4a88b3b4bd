/**
 * The envelope as bytes (protocol.md section 4): a header flyweight that reads routing fields without decoding the
 * protobuf, validation of bodies, and the message table. Flyweights are per thread. May import: address, region.
 */
package io.emcomm.protocol.envelope;
