/**
 * Systems under test and their clients: EmComm (one router, a federation of linked routers, or router nodes on a local
 * 3-broker Kafka cluster), nats-server (alone or three clustered, through jnats), Mosquitto (through the HiveMQ
 * client) and the raw Netty forwarder, each server started as its own process. May import: load.
 */
package io.emcomm.bench.sut;
