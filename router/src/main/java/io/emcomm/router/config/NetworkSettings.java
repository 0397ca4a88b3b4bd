package io.emcomm.router.config;

import static io.emcomm.router.config.Settings.HEARTBEAT_INTERVAL_MS;
import static io.emcomm.router.config.Settings.HOST;
import static io.emcomm.router.config.Settings.INTAKE_LAG_MS;
import static io.emcomm.router.config.Settings.INTAKE_PAUSE_MAX_MS;
import static io.emcomm.router.config.Settings.IO_THREADS;
import static io.emcomm.router.config.Settings.MAX_FRAME_BYTES;
import static io.emcomm.router.config.Settings.PORT;
import static io.emcomm.router.config.Settings.SHUTDOWN_DRAIN_MS;

/**
 * The terminal port and its connections: where the router listens, the frames it accepts, its event loops, the
 * heartbeat it advertises and how long a graceful shutdown waits. Immutable; built by {@link RouterConfig.Builder},
 * which checks each value against its declaration in {@link Settings}.
 *
 * @param host                address to listen on ({@code emcomm.host}).
 * @param port                terminal port, 0 for any free one ({@code emcomm.port}).
 * @param maxFrameBytes       largest frame accepted, bytes of the length field ({@code emcomm.max.frame.bytes}).
 * @param ioThreads           Netty event loops ({@code emcomm.io.threads}).
 * @param heartbeatIntervalMs heartbeat advertised in WELCOME, milliseconds ({@code emcomm.heartbeat.interval.ms}).
 * @param shutdownDrainMs     how long a graceful shutdown waits for sessions to take their going-away frame and
 *                            close, milliseconds ({@code emcomm.shutdown.drain.ms}).
 * @param intakeLagMs         event-loop lag at which reading pauses on connections that publish only ROUTINE and
 *                            PRIORITY, milliseconds; 0 = never ({@code emcomm.intake.lag.ms}, docs/delivery.md).
 * @param intakePauseMaxMs    longest single such pause, milliseconds ({@code emcomm.intake.pause.max.ms}).
 */
public record NetworkSettings(String host, int port, int maxFrameBytes, int ioThreads, int heartbeatIntervalMs,
    int shutdownDrainMs, int intakeLagMs, int intakePauseMaxMs)
{
    static NetworkSettings from(final SettingValues v)
    {
        return new NetworkSettings(v.get(HOST), v.get(PORT), v.get(MAX_FRAME_BYTES), v.get(IO_THREADS),
            v.get(HEARTBEAT_INTERVAL_MS), v.get(SHUTDOWN_DRAIN_MS), v.get(INTAKE_LAG_MS), v.get(INTAKE_PAUSE_MAX_MS));
    }
}
