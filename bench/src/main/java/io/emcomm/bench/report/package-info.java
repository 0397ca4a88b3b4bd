/** Results as JSON, tables and plots. May import: load, scenario. */
package io.emcomm.bench.report;
