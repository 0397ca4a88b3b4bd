package io.emcomm.cli;

import io.emcomm.router.Router;
import io.emcomm.router.config.StartFailure;
import io.emcomm.router.config.ConfigException;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.Setting;
import io.emcomm.router.config.Settings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code emcomm router}: run a router in the foreground until SIGINT or SIGTERM. */
@Command(
    name = "router",
    mixinStandardHelpOptions = true,
    description = {
        "Run a router until interrupted (Ctrl-C, SIGTERM).",
        "Settings come from --config FILE (Java properties), then -Demcomm.* system properties, then EMCOMM_*",
        "environment variables, then these options. Keys: emcomm.host, emcomm.port, emcomm.data,",
        "emcomm.max.frame.bytes, emcomm.io.threads, emcomm.journal.sync, emcomm.router.id,",
        "emcomm.heartbeat.interval.ms, emcomm.outbound.queue.limit, emcomm.admin.port, emcomm.journal.retention.hours, ...",
        "(README.md has the full table); an unknown emcomm.* key from any source stops it, naming the nearest key.",
        "One router per data folder (DIR/router.lock). A router that cannot start prints one line and exits 1.",
        "Federation (docs/federation.md): a child router names its region and dials its parent, e.g.",
        "  emcomm router --router-id county-520102 --region 520102 --uplink city.example:7400 --uplink-router-id city-5201",
        "Several routers on one Kafka cluster (docs/cluster.md; start one with `emcomm kafka`), each a node of the site:",
        "  emcomm router --kafka 127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094 --router-id node-1 --port 7400 --admin-port 7410 --data node-1",
        "  (a second node on this machine: --router-id node-2 --port 7402 --admin-port 7412 --data node-2)",
        "SIGTERM stops it gracefully: GOING_AWAY to every session, journal synced, exit 0."})
final class RouterCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port (default 7400; 0 picks a free one).")
    Integer port;

    @Option(names = "--data", paramLabel = "DIR", description = "Data folder; the journal is DIR/journal (default ./data).")
    Path data;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (Java properties).")
    Path config;

    @Option(names = "--admin-port", paramLabel = "PORT",
        description = "Admin HTTP port for /metrics, /health, /ready, /status (default 7401; 0 picks a free one; -1 off).")
    Integer adminPort;

    @Option(names = "--router-id", paramLabel = "NAME",
        description = "This router's name (emcomm.router.id, default emcomm-1): origin of receipts, its id at a parent.")
    String routerId;

    @Option(names = "--region", paramLabel = "CODE",
        description = "The region subtree this router serves (emcomm.router.region; default everything), e.g. 520102.")
    String region;

    @Option(names = "--kafka", paramLabel = "HOST:PORT",
        description = "Journal to the site's Kafka cluster at these bootstrap servers (emcomm.journal.backend=kafka, "
            + "emcomm.kafka.bootstrap); the local journal folder is then this node's mirror of it.")
    String kafka;

    @Option(names = "--uplink", paramLabel = "HOST:PORT",
        description = "The parent router to dial and keep redialling (emcomm.uplink); needs --region and --uplink-router-id.")
    String uplink;

    @Option(names = "--uplink-router-id", paramLabel = "NAME",
        description = "The parent's router id, checked against its WELCOME (emcomm.uplink.router.id).")
    String uplinkRouterId;

    @Option(names = "--uplink-credential", paramLabel = "TOKEN",
        description = "The token presented at the parent (emcomm.uplink.credential; or EMCOMM_UPLINK_CREDENTIAL).")
    String uplinkCredential;

    @Option(names = "--uplink-profile", paramLabel = "PROFILE",
        description = "The uplink's link profile: beidou, tiantong, vsat or rate:N bytes/s (emcomm.uplink.profile).")
    String uplinkProfile;

    @Override
    public Integer call()
    {
        final RouterConfig cfg = config();
        final Router router;
        try
        {
            router = Router.start(new Router.Context().config(cfg));
        }
        catch (final StartFailure ex)
        {
            // already one line naming the thing and the reason, and nothing in the data folder was touched
            throw new CliFailure(ex.getMessage());
        }
        catch (final ConfigException ex)
        {
            // a security file (terminals, ACL, TLS) read at start
            throw new CliFailure("bad configuration: " + ex.getMessage());
        }
        catch (final RuntimeException ex)
        {
            throw new CliFailure("cannot start the router on " + cfg.host() + ":" + cfg.port() + ": " + rootMessage(ex));
        }
        final CountDownLatch stop = new CountDownLatch(1);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            stop.countDown();
            try
            {
                stopped.await(10, TimeUnit.SECONDS); // let the journal close before the JVM goes
            }
            catch (final InterruptedException ignore)
            {
                Thread.currentThread().interrupt();
            }
        }, "emcomm-router-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // SIGTERM and SIGINT stop the router here instead of starting the JVM's shutdown, so that a clean stop
        // exits 0 (a JVM ended by a signal exits 143 or 130 whatever its hooks do). The hook stays as a fallback.
        final StopSignals signals = StopSignals.install(stop::countDown);
        // "listening" is what supervisors and scripts wait for, so it is printed only once a signal is a clean stop
        final PrintWriter out = spec.commandLine().getOut();
        out.println("EmComm router " + cfg.routerId() + " listening on " + cfg.host() + ":" + router.port() +
            ", journal in " + cfg.journalDir().toAbsolutePath()
            + (cfg.journal().onKafka() ? " (mirror of the Kafka journal at " + cfg.journal().kafkaBootstrap() + ")"
            : cfg.journalSync() == io.emcomm.router.config.JournalSync.BATCH ? " (synced to disk before each ack)" : ""));
        if (router.adminPort() > 0)
        {
            out.println("admin endpoint on http://" + cfg.adminHost() + ":" + router.adminPort() + "/metrics");
        }
        out.flush();
        try
        {
            stop.await();
        }
        catch (final InterruptedException ignore)
        {
            // stopped in-process (tests, embedding): same orderly close as a signal
        }
        finally
        {
            signals.restore();
            router.close();
            out.println("router stopped");
            out.flush();
            stopped.countDown();
            try
            {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            catch (final IllegalStateException ignore)
            {
                // the JVM is already shutting down: the hook is running
            }
        }
        return Main.EXIT_OK;
    }

    /** The configuration from the sources, then the options given; a bad value is a {@link CliFailure} naming it. */
    RouterConfig config()
    {
        try
        {
            final RouterConfig.Builder b = RouterConfig.builder().load(config, System.getProperties(), System.getenv());
            if (host != null)
            {
                b.host(host);
            }
            if (port != null)
            {
                b.port(port);
            }
            if (data != null)
            {
                b.dataDir(data);
            }
            if (adminPort != null)
            {
                b.adminPort(adminPort);
            }
            setIfGiven(b, Settings.ROUTER_ID, routerId);
            setIfGiven(b, Settings.ROUTER_REGION, region);
            if (kafka != null)
            {
                b.kafka(kafka.trim());
            }
            setIfGiven(b, Settings.UPLINK, uplink);
            setIfGiven(b, Settings.UPLINK_ROUTER_ID, uplinkRouterId);
            setIfGiven(b, Settings.UPLINK_CREDENTIAL, uplinkCredential);
            setIfGiven(b, Settings.UPLINK_PROFILE, uplinkProfile);
            return b.build();
        }
        catch (final ConfigException ex)
        {
            throw new CliFailure("bad configuration: " + ex.getMessage());
        }
    }

    /** An option given on the command line wins over every other source; the build checks it like any value. */
    private static void setIfGiven(final RouterConfig.Builder b, final Setting<String> setting, final String value)
    {
        if (value != null)
        {
            b.set(setting, value.trim());
        }
    }

    private static String rootMessage(final Throwable ex)
    {
        Throwable t = ex;
        while (t.getCause() != null && t.getCause() != t)
        {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }
}
