/**
 * {@code ./emcomm bench}: the comparison of EmComm with NATS, Mosquitto and a raw Netty forwarder (bench/README.md).
 * Entry points only. May import every bench package.
 */
package io.emcomm.bench;
