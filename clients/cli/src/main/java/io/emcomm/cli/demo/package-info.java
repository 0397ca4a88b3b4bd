/**
 * {@code ./emcomm demo}: a router, simulated terminals and command posts in one process, an earthquake scenario,
 * and a tally that proves nothing acknowledged was lost. May import: format, the client, the router, the kafka module (the cluster demo).
 */
package io.emcomm.cli.demo;
