/**
 * Systems under test and their clients: EmComm, nats-server (through jnats), Mosquitto (through Paho) and the raw
 * Netty forwarder, each started as its own process. May import: load.
 */
package io.emcomm.bench.sut;
