package io.emcomm.bench.scenario;

import io.emcomm.bench.sut.Capability;
import io.emcomm.bench.sut.SystemUnderTest;

/** One row group of the comparison: a traffic pattern run the same way against every system that can. */
public interface Scenario
{
    /** The name in tables and JSON: {@code 1to1}, {@code fanout16}, ... */
    String name();

    /** What a system must be able to do to take part. */
    Capability needs();

    /**
     * Runs the scenario against a started system.
     *
     * @param earlier results of this run so far (flash_under_load sizes its load from the 1to1 maximum).
     */
    ScenarioResult run(SystemUnderTest system, BenchSettings settings, Results earlier) throws Exception;

    /**
     * Heap of the child server JVMs started for this scenario (e.g. {@code 1g}), or null for the default that
     * every other scenario runs in.
     */
    default String serverHeap()
    {
        return null;
    }

    /**
     * Prepares the harness once per run, before any server starts (the connections scenario raises the open-file
     * limit its children inherit).
     *
     * @param log one line for anything that could not be prepared.
     */
    default void prepare(final BenchSettings settings, final java.io.PrintStream log)
    {
    }
}
