package io.emcomm.router;

import io.emcomm.router.admin.AdminServer;
import io.emcomm.router.admin.RouterMetrics;
import io.emcomm.router.admin.StatusReport;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.terminal.TerminalState;
import io.emcomm.router.journal.RetainedQueue;
import io.emcomm.router.journal.JournalRetention;
import io.emcomm.router.journal.RetentionFloor;
import io.emcomm.router.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the people who run the router need beside the routing: metrics, the admin HTTP endpoint, journal
 * retention and the disk guard's checks. On a node of a Kafka cluster (issue 15) retention applies to the node's
 * mirror of the cluster's log, under the same settings ({@code emcomm.journal.retention.*}): the cluster's topic has
 * its own. Everything here runs on one scheduled control-plane thread
 * ({@code emcomm-ops}) or the admin server's own event loop, never on the routing event loops.
 */
public final class OperatorServices implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(OperatorServices.class);

    private final Router router;
    private final JournalRetention retention;
    private final RouterMetrics metrics;
    private final StatusReport status;
    private final ScheduledExecutorService scheduler;
    private final AdminServer admin;

    /** @param journal the queue retention keeps in bounds: the router's own journal or a Kafka node's mirror; null for none */
    OperatorServices(final Router router, final RetainedQueue journal)
    {
        this.router = router;
        final RouterConfig config = router.config();
        retention = journal == null ? null : new JournalRetention(journal, this::laggard,
            config.retentionHours() * 3_600_000L, config.retentionMb() << 20);
        metrics = new RouterMetrics(router, retention);
        status = new StatusReport(router, retention);
        scheduler = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "emcomm-ops");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::checkDisk, 1, 1, TimeUnit.SECONDS);
        scheduler.scheduleWithFixedDelay(status::sample, 0, 1, TimeUnit.SECONDS);
        if (retention != null)
        {
            scheduler.scheduleWithFixedDelay(this::runRetention, 0, config.retentionIntervalMs(), TimeUnit.MILLISECONDS);
        }
        AdminServer server = null;
        if (config.adminPort() >= 0)
        {
            try
            {
                server = AdminServer.start(config.adminHost(), config.adminPort(), router, metrics, status);
            }
            catch (final RuntimeException ex)
            {
                // Routing matters more than metrics on an emergency network: run on without the endpoint.
                LOG.warn("admin endpoint off, the router runs on without it: {}", ex.getMessage());
            }
        }
        admin = server;
    }

    /** The terminal with the lowest durable cursor that still needs the journal, or null when there is none. */
    private RetentionFloor.Laggard laggard()
    {
        TerminalState lowest = null;
        for (final TerminalState t : router.cursors().terminals())
        {
            if ((lowest == null || t.cursor() < lowest.cursor()) && !caughtUp(t))
            {
                lowest = t;
            }
        }
        return lowest == null ? null : new RetentionFloor.Laggard(lowest.terminalId(), lowest.cursor());
    }

    /** A connected terminal that is live and has nothing outstanding needs nothing from the journal. */
    private boolean caughtUp(final TerminalState terminal)
    {
        final Session s = router.routingTable().terminal(terminal.terminalId());
        return s != null && s.feed().isLive() && s.feed().unacked() == 0 && s.feed().queued() == 0;
    }

    private void checkDisk()
    {
        router.diskGuard().check();
    }

    /**
     * One retention pass now (it also runs every {@code emcomm.journal.retention.interval.ms}).
     *
     * @return roll files deleted (0 without retention).
     */
    public int runRetention()
    {
        if (retention == null)
        {
            return 0;
        }
        try
        {
            return retention.run();
        }
        catch (final RuntimeException ex)
        {
            // never let one bad pass cancel the schedule
            LOG.error("retention pass failed", ex);
            return 0;
        }
    }

    /** @return the journal's retention (of a Kafka node's mirror on a node), or null when there is none */
    public JournalRetention retention()
    {
        return retention;
    }

    public RouterMetrics metrics()
    {
        return metrics;
    }

    public StatusReport status()
    {
        return status;
    }

    /** The admin endpoint's port, or -1 when it is off. */
    public int adminPort()
    {
        return admin == null ? -1 : admin.port();
    }

    @Override
    public void close()
    {
        if (admin != null)
        {
            admin.close();
        }
        // shutdown, not shutdownNow: Chronicle must not be interrupted mid-operation
        scheduler.shutdown();
        try
        {
            if (!scheduler.awaitTermination(10, TimeUnit.SECONDS))
            {
                LOG.warn("operations thread did not stop within 10 s");
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        metrics.close();
    }
}
