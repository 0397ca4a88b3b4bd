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
    IDLE_CONNECTIONS
}
