package io.emcomm.router.config;

import static io.emcomm.router.config.Settings.DELIVERY_INFLIGHT;
import static io.emcomm.router.config.Settings.DELIVERY_WINDOW;
import static io.emcomm.router.config.Settings.FLASH_ACK_TIMEOUT_MS;
import static io.emcomm.router.config.Settings.FLASH_ESCALATE;
import static io.emcomm.router.config.Settings.OUTBOUND_BYTES_MIN;
import static io.emcomm.router.config.Settings.OUTBOUND_QUEUE_LIMIT;
import static io.emcomm.router.config.Settings.OUTBOUND_ROUTER_BYTES;
import static io.emcomm.router.config.Settings.OUTBOUND_SESSION_BYTES;
import static io.emcomm.router.config.Settings.OUTBOUND_SESSION_BYTES_DEFAULT_MAX;
import static io.emcomm.router.config.Settings.SLOW_CONSUMER_DISCONNECT_MS;
import static io.emcomm.router.config.Settings.TIMER_INTERVAL_MS;

/**
 * How the router feeds terminals (docs/delivery.md): the windows and queues past which ROUTINE and PRIORITY
 * wait in the journal, the memory budgets, FLASH deadlines and slow consumers. Immutable; built by
 * {@link RouterConfig.Builder}, which checks each value against its declaration in {@link Settings}; the
 * constructor checks what relates two of them.
 *
 * @param outboundQueueLimit       deliveries queued for one session beyond which it counts as a slow consumer
 *                                 ({@code emcomm.outbound.queue.limit}).
 * @param window                   unacknowledged messages one terminal may have outstanding before it is fed from
 *                                 the journal instead ({@code emcomm.delivery.window}).
 * @param sessionBytes             delivery bytes one session may hold in memory, queued or written and not yet on
 *                                 the socket; past this its ROUTINE and PRIORITY wait in the journal
 *                                 ({@code emcomm.outbound.session.bytes}).
 * @param routerBytes              delivery bytes all sessions together may hold; near it, sessions that do not
 *                                 read fall back to the journal, and at it the stalled ones holding the most are
 *                                 disconnected ({@code emcomm.outbound.router.bytes}).
 * @param inFlightLimit            ROUTINE and PRIORITY messages written to a terminal and not yet acknowledged, at
 *                                 most: past this they wait in the router's precedence queue, where a FLASH can
 *                                 still overtake them, instead of in socket buffers, where it cannot
 *                                 ({@code emcomm.delivery.inflight}).
 * @param slowConsumerDisconnectMs a session that takes nothing this long while messages wait is disconnected,
 *                                 milliseconds; 0 = never ({@code emcomm.slow.consumer.disconnect.ms}).
 * @param flashAckTimeoutMs        a FLASH not acknowledged in this time is sent again, then reported
 *                                 undelivered, milliseconds ({@code emcomm.flash.ack.timeout.ms}).
 * @param flashEscalate            whether an unacknowledged FLASH is also sent up the destination's chain
 *                                 ({@code emcomm.flash.escalate}).
 * @param timerIntervalMs          how often each session checks its FLASH deadlines and the slow-consumer limit,
 *                                 milliseconds ({@code emcomm.timer.interval.ms}).
 */
public record DeliverySettings(int outboundQueueLimit, int window, long sessionBytes, long routerBytes,
    int inFlightLimit, int slowConsumerDisconnectMs, int flashAckTimeoutMs, boolean flashEscalate, int timerIntervalMs)
{
    /**
     * @throws ConfigException when the in-flight limit is above the window, or the session budget outside
     *                         64 KiB..the router budget.
     */
    public DeliverySettings
    {
        if (inFlightLimit < 1 || inFlightLimit > window)
        {
            throw new ConfigException(DELIVERY_INFLIGHT.key() + ": " + inFlightLimit + " is outside 1.."
                + DELIVERY_WINDOW.key() + " (" + window + ")");
        }
        if (sessionBytes < OUTBOUND_BYTES_MIN || sessionBytes > routerBytes)
        {
            throw new ConfigException(OUTBOUND_SESSION_BYTES.key() + ": " + sessionBytes + " is outside "
                + OUTBOUND_BYTES_MIN + ".." + OUTBOUND_ROUTER_BYTES.key() + " (" + routerBytes + ")");
        }
    }

    /**
     * Half of the direct memory Netty may use ({@code -XX:MaxDirectMemorySize}, or the heap limit when that is not
     * set): delivery frames live there, and the other half is left to read buffers, allocator slack and acks.
     */
    public static long defaultRouterBytes()
    {
        return Math.max(OUTBOUND_BYTES_MIN, io.netty.util.internal.PlatformDependent.maxDirectMemory() / 2);
    }

    /** 8 MiB, or a quarter of the router-wide budget when that is smaller (but never below 64 KiB). */
    public static long defaultSessionBytes(final long routerBytes)
    {
        return Math.max(OUTBOUND_BYTES_MIN, Math.min(OUTBOUND_SESSION_BYTES_DEFAULT_MAX, routerBytes / 4));
    }

    /** The session budget set, or (when 0, the default) derived from the router budget. */
    static DeliverySettings from(final SettingValues v)
    {
        final long routerBytes = v.get(OUTBOUND_ROUTER_BYTES);
        final long sessionBytes = v.get(OUTBOUND_SESSION_BYTES);
        return new DeliverySettings(v.get(OUTBOUND_QUEUE_LIMIT), v.get(DELIVERY_WINDOW),
            sessionBytes != 0 ? sessionBytes : defaultSessionBytes(routerBytes), routerBytes, v.get(DELIVERY_INFLIGHT),
            v.get(SLOW_CONSUMER_DISCONNECT_MS), v.get(FLASH_ACK_TIMEOUT_MS), v.get(FLASH_ESCALATE),
            v.get(TIMER_INTERVAL_MS));
    }
}
