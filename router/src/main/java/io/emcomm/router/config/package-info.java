/**
 * The router's configuration: every setting declared once ({@code Settings}: key, default, parser, range, unit,
 * description), read from a properties file, {@code -D} system properties and {@code EMCOMM_*} environment
 * variables ({@code ConfigSources}, which refuses unknown {@code emcomm.*} keys with the nearest known one),
 * validated once into one record per concern ({@code NetworkSettings}, {@code JournalSettings},
 * {@code RetentionSettings}, {@code DeliverySettings}, {@code SecuritySettings}, {@code AdminSettings}) that
 * {@code RouterConfig} composes; plus the one-line start-up failures ({@code StartFailure}, {@code FileProblem}).
 *
 * <p>Threads: built once on the thread that starts the router; the results are immutable and read from every
 * event loop. Imports: the bottom layer of the router; it may import the protocol module, the JDK and Netty's
 * utilities, and no other package of the router.
 */
package io.emcomm.router.config;
