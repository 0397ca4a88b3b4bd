package io.emcomm.bench.sut;

/**
 * Servers of one system clustered on one site (issue 15): for EmComm, router nodes on a 3-broker Kafka cluster; for
 * NATS, a 3-server cluster (with JetStream and an R3 stream for the persisted peer). Clients connect to a node by its
 * index; what one node accepts reaches subscribers on every other. Started for one scenario by
 * {@link SystemUnderTest#cluster} and always closed by it, which stops every process it started.
 */
public interface Cluster extends AutoCloseable
{
    /** How many nodes clients may connect to (EmComm: router nodes, not brokers; NATS: servers). */
    int nodes();

    /**
     * Connects a client to node {@code node} (0-based, less than {@link #nodes()}).
     *
     * @throws Exception when the node refuses or the handshake times out.
     */
    BenchClient connect(int node, ClientSpec spec) throws Exception;

    /** One line for the row's notes: what was started (brokers, nodes, replication), e.g. for RESULTS.md. */
    String describe();

    /** Stops every process of the cluster (nodes first, then brokers). A second call does nothing. */
    @Override
    void close();
}
