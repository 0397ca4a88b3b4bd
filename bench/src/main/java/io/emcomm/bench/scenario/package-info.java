/**
 * The scenarios compared (1to1, fan-out, persisted, FLASH under load, replay, connections; across federation links;
 * across the nodes of a cluster). May import: load, sut.
 */
package io.emcomm.bench.scenario;
