/**
 * Configuration: settings from the properties file, {@code -D} and the environment (README, "Configuration"),
 * validated once at start into immutable values, and the one-line start-up errors ({@link
 * io.emcomm.router.config.StartFailure}). Read at start on the starting thread; immutable afterwards. The bottom
 * layer: imports no other router package.
 */
package io.emcomm.router.config;
