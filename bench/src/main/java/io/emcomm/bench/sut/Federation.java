package io.emcomm.bench.sut;

import java.util.List;

/**
 * Routers of one system linked in a chain of a region tree (issue 16, docs/protocol.md section 14): level 0 is the top
 * (the province, 52), each further level a child whose uplink dials the level above (5201, then 520102). Started for
 * one scenario by {@link SystemUnderTest#federation} and always closed by it, which stops every router.
 */
public interface Federation extends AutoCloseable
{
    /** Region codes by level, top first, e.g. {@code [52, 5201, 520102]}. */
    List<String> regions();

    /**
     * Connects a client to the router at {@code level} (0 = top). The client's region should lie inside that router's
     * region ({@link #regions()}): a parent refuses imports whose origin lies outside the child's subtree.
     */
    BenchClient connect(int level, ClientSpec spec) throws Exception;

    /** Memory of the router at {@code level} now (after a full GC). */
    Footprint footprint(int level) throws Exception;

    /** Stops the routers, leaves first. */
    @Override
    void close();
}
