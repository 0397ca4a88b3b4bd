/** The scenarios compared (1to1, fan-out, persisted, FLASH under load, replay, connections). May import: load, sut. */
package io.emcomm.bench.scenario;
