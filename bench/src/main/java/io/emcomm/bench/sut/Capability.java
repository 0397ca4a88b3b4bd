package io.emcomm.bench.sut;

/** What a system can take part in; a scenario runs only on systems that have what it needs. */
public enum Capability
{
    /** Unacknowledged publish / subscribe (1to1, fanout, up the chain, request/reply, flash under load). */
    PUB_SUB,
    /** Publishes acknowledged once stored (the persisted scenario). */
    PERSISTED,
    /** Reading back what was stored (the replay scenario). */
    REPLAY,
    /** Many idle connections (the connections scenario). */
    IDLE_CONNECTIONS,
    /**
     * Several servers linked over uplinks in a region tree (hop1, hop2 and their vsat variants, issue 16). EmComm only:
     * NATS leaf nodes and Mosquitto bridges are not set up by this harness.
     */
    FEDERATION,
    /**
     * Publishes acknowledged once replicated in a cluster on one site (cluster_persisted, issue 15): EmComm router nodes
     * on a 3-broker Kafka cluster, replication 3, acks=all; JetStream on 3 clustered servers with an R3 file stream.
     */
    CLUSTER_PERSISTED,
    /**
     * Publish on one node of a cluster, delivery on another (cluster_1to1, cluster_flash_under_load, issue 15): EmComm
     * router nodes on Kafka (every message journaled in the cluster); core NATS across clustered servers.
     */
    CLUSTER_PUB_SUB
}
