/**
 * The Java client library of EmComm Router: one terminal's session with a router (docs/protocol.md).
 *
 * <h2>Role</h2>
 * The public API is {@link io.emcomm.client.EmcommClient} with its options ({@link io.emcomm.client.ClientOptions}),
 * messages, results, listeners and exceptions. Behind it, package-private and split by role in the manner of
 * Aeron's client:
 * <ul>
 *   <li>{@code ClientSession}: the implementation of the interface; builds the parts and checks arguments.</li>
 *   <li>{@code ClientConductor}: owns the session's state (the current connection, sequences and request ids,
 *       {@code PublishLedger}, {@code PublishRetries} (publishes nacked JOURNAL_UNAVAILABLE, sent again with their
 *       sequence), {@code SubscriptionBook}, {@code ReplayBook}, the router's frame limit, the end).</li>
 *   <li>{@code RouterProxy}: encodes every frame the client sends (HELLO, PUBLISH, SUBSCRIBE, UNSUBSCRIBE,
 *       DELIVERY_ACK, REPLAY_REQUEST, LATEST_POSITIONS_REQUEST, HEARTBEAT).</li>
 *   <li>{@code ClientHandler}: decodes what the router sends and calls the part it belongs to;
 *       {@code ClientChannelInitializer} builds the pipeline, {@code LinkLimits} holds the WELCOME's terms.</li>
 *   <li>{@code ConnectionSupervisor}: connect, reconnect with {@code Backoff}, {@code ConnectionListener}
 *       callbacks, the final states REPLACED and CLOSED.</li>
 *   <li>{@code DeliveryDispatch} and {@code Dispatcher}: deliveries and replay items to the listeners on the
 *       dispatch thread, acks back, reading paused while the backlog is long.</li>
 *   <li>{@code ClientClock} and {@code Scheduler}: time, injected so that the conductor and the supervisor are
 *       tested on a manual clock; {@code SharedEventLoop}, {@code ClientTls}, {@code LinkFailure}: the network.</li>
 *   <li>Options in parts per concern: {@code TerminalIdentity}, {@code Timeouts}, {@code ReconnectPolicy},
 *       {@code TlsOptions}.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * User threads call the API; every method is thread-safe. One network thread ({@code emcomm-client-io}) is shared
 * by every client in the process and runs the handler, the supervisor's timers and the publish deadline sweep. Each
 * client has one dispatch thread ({@code emcomm-dispatch-<terminal id>}) for its listeners and future-failing
 * callbacks, in arrival order. The conductor's state is guarded by its monitor, which the publish path takes to
 * number and write in one order; the delivery path (DELIVERY, REPLAY_ITEM, REPLAY_END, DELIVERY_ACK) takes no lock.
 *
 * <h2>What it may import</h2>
 * The JDK, {@code io.emcomm.protocol} (schema, framing, addresses), Netty's buffer, common, transport, handler and
 * codec modules, and protobuf. Never the router, Chronicle, Micrometer, a logging backend or picocli: the library
 * is what an integrator embeds (the enforcer rule in its pom and {@code ClientArchitectureTest} keep it so).
 */
package io.emcomm.client;
