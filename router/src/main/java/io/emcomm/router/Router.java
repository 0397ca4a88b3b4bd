package io.emcomm.router;

import io.emcomm.router.admin.RouterView;
import io.emcomm.router.config.StartFailure;
import io.emcomm.router.counters.RouterCounters;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.terminal.CursorStore;
import io.emcomm.router.delivery.DeliveryContext;
import io.emcomm.router.delivery.OutboundBudget;
import io.emcomm.router.terminal.ChronicleCursorStore;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.RetainedQueue;
import io.emcomm.router.journal.DiskGuard;
import io.emcomm.router.journal.GuardedJournal;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import io.emcomm.router.journal.JournalRecovery;
import io.emcomm.router.link.ChildAdvertisements;
import io.emcomm.router.link.Links;
import io.emcomm.router.link.LinkStatus;
import io.emcomm.router.link.PeerLinks;
import io.emcomm.router.link.UplinkConnector;
import io.emcomm.router.receipt.ReceiptPublisher;
import io.emcomm.router.security.AccessControl;
import io.emcomm.router.session.Session;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.net.RouterChannelInitializer;
import io.emcomm.router.net.RouterContext;
import io.emcomm.router.replay.LatestPositions;
import io.emcomm.router.route.LocalRoutingTable;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.route.TerminalDirectory;
import io.emcomm.router.sequence.Sequencer;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * An EmComm router: claims its data folder, binds its port, opens the journal, rebuilds the dedupe state from
 * it, and serves terminals over TCP. {@link #start} returns once it accepts connections, or throws
 * {@link StartFailure} (one line: the thing and the reason) having touched no data; {@link #close} stops
 * accepting, closes every session, closes the journal and releases the data folder.
 */
public final class Router implements AutoCloseable, RouterView
{
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private final RouterConfig config;
    private final RouterCounters counters = new RouterCounters();
    private final Journal journal;
    private final RoutingTable table;
    private final CursorStore cursors;
    /** Socket reads per connection per event-loop turn (Netty's default is 16). */
    private static final int READS_PER_TURN = 2;
    /** The cursor store's folder in the data folder, beside the journal. */
    private static final String CURSORS_DIR = "cursors";
    /** What child routers advertised, one JSON file each (docs/protocol.md section 14.4), beside the journal. */
    private static final String LINKS_DIR = "links";

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private final DiskGuard diskGuard;
    private final OutboundBudget outboundBudget;
    /** Metrics, admin, and retention of the journal (a Kafka node's: of its mirror). */
    private final OperatorServices operations;
    /** The replicated journal this node is part of, or null when the journal is its own ({@code emcomm.journal.backend}). */
    private final JournalBackend backend;
    private final DataFolder dataFolder;
    private final PeerLinks peerLinks;
    /** The link to the parent router, or null when there is none ({@code emcomm.uplink}). */
    private final UplinkConnector uplink;
    private volatile boolean accepting;

    private Router(final Context start)
    {
        config = start.config();
        final LongSupplier clockMicros = start.clockMicros();
        final TimeProvider journalTime = start.journalTime();
        outboundBudget = new OutboundBudget(config.outboundRouterBytes(), config.outboundSessionBytes(),
            config.timerIntervalMs() * 1000L);
        // Everything that can fail for a reason the operator can fix is checked before the journal is opened:
        // the security files, the data folder (lock, permissions), the terminal port. A failure is one
        // StartFailure line and leaves the data as it was.
        final AccessControl accessControl = new AccessControl(config.security());
        UplinkConnector.check(config.federation());
        dataFolder = DataFolder.claim(config.dataDir(), config.journalDir().getFileName().toString(), CURSORS_DIR, LINKS_DIR);
        final boolean epoll = Epoll.isAvailable();
        final IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        final Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        final DeferredInitializer children = new DeferredInitializer();
        bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        workerGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);
        ChronicleJournal chronicle = null;
        JournalBackend opened = null;
        CursorStore openedCursors = null;
        Channel server = null;
        try
        {
            server = bind(channelClass, children);
            if (config.journal().onKafka())
            {
                if (config.federation().hasUplink())
                {
                    throw new StartFailure("emcomm.uplink is not supported with emcomm.journal.backend=kafka (a node of a "
                        + "site's cluster takes no peer links: imports are not journaled through the cluster's log; docs/cluster.md)");
                }
                final JournalBackend.Provider provider = start.journalBackend() != null ? start.journalBackend()
                    : JournalBackend.provider(config.journal().backend());
                opened = provider.open(config, clockMicros);
                diskGuard = new DiskGuard(config.journalDir(), config.diskMinFreeMb());
                diskGuard.check();
                // not guarded: the mirror must take every applied record, or this node's view would differ from the log
                journal = opened.journal();
            }
            else
            {
                chronicle = new ChronicleJournal(config.journalDir(), RollCycles.valueOf(config.rollCycle()), journalTime,
                    config.journalSync());
                diskGuard = new DiskGuard(config.journalDir(), config.diskMinFreeMb());
                diskGuard.check();
                journal = new GuardedJournal(chronicle, diskGuard, counters);
            }
            backend = opened;
            // a Kafka node's terminals live in the cluster (issue 15 Deliver 2): any node serves any terminal
            openedCursors = opened != null && opened.cursorStore() != null ? opened.cursorStore()
                : new ChronicleCursorStore(config.dataDir().resolve(CURSORS_DIR));
            cursors = openedCursors;
            final DedupeWindows origins = new DedupeWindows();
            final long entries = JournalRecovery.recover(journal, origins.recovery(), LatestPositions.recovery(cursors));
            LOG.info("dedupe state and latest positions rebuilt from {} journal entries ({} origins)", entries, origins.size());
            table = new LocalRoutingTable();
            if (cursors instanceof io.emcomm.router.terminal.ClusterCursorStore cluster)
            {
                cluster.onTerminalLost(new io.emcomm.router.net.TerminalTakeovers(table));
            }
            // imports from peer links dedupe in the windows local publishes use; the registry vouches for origins' regions
            // a PUBLISH_ACK calls a terminal unknown (protocol.md section 4.2) only when it has no cursor here, is not
            // registered and no child advertised it; a router with an uplink cannot know every terminal above it
            final TerminalDirectory everSeen = config.federation().hasUplink() ? id -> true
                : id -> cursors.contains(id) || accessControl.registered(id) || servedBelow(id);
            final Sequencer sequencer = new Sequencer(journal, table, counters, clockMicros, origins,
                origins.state(config.routerId()), config.security().validateBodies(),
                everSeen, accessControl::registeredRegion);
            sequencer.routerRegion(config.federation().region());
            if (opened != null)
            {
                sequencer.orderedLog(opened.log());
            }
            final ReceiptPublisher receipts = new ReceiptPublisher(journal, sequencer, origins.state(config.routerId()), counters,
                clockMicros, config.flashEscalate());
            final DeliveryContext delivery = new DeliveryContext(journal, cursors, sequencer.publishLock(), counters, clockMicros,
                receipts, config.routerId(), config.deliveryWindow(), config.inFlightLimit(), config.outboundQueueLimit(), config.flashAckTimeoutMs() * 1000L,
                config.slowConsumerDisconnectMs() * 1000L, outboundBudget);
            peerLinks = new PeerLinks(config, journal, origins, table, sequencer, counters, clockMicros, cursors, delivery,
                accessControl, ChildAdvertisements.load(config.dataDir().resolve(LINKS_DIR)));
            uplink = config.federation().hasUplink() ? new UplinkConnector(peerLinks, workerGroup,
                epoll ? EpollSocketChannel.class : NioSocketChannel.class) : null;
            final RouterContext context = new RouterContext(config, journal, origins, table, sequencer, counters, clockMicros,
                cursors, delivery, accessControl, peerLinks);
            children.target = new RouterChannelInitializer(context);
            serverChannel = server;
            if (opened != null)
            {
                opened.startApplying(sequencer); // publishes are taken only with this node's view caught up
            }
            // retention of the router's journal, or of a Kafka node's mirror of the cluster's log (issue 15)
            operations = new OperatorServices(this, chronicle != null ? RetainedQueue.of(chronicle) : opened.retainedQueue());
        }
        catch (final RuntimeException | Error ex)
        {
            if (server != null)
            {
                server.close().syncUninterruptibly();
            }
            shutdownGroups();
            if (openedCursors != null)
            {
                openedCursors.close();
            }
            if (chronicle != null)
            {
                chronicle.close();
            }
            if (opened != null)
            {
                opened.close();
            }
            dataFolder.close();
            throw ex;
        }
        // connections waiting in the backlog since the bind are accepted from here on
        accepting = true;
        server.config().setAutoRead(true);
        LOG.info("router {} listening on {} ({}, {} io threads, journal {})", config.routerId(), server.localAddress(),
            epoll ? "epoll" : "nio", config.ioThreads(), backend == null ? "chronicle" : backend.describe());
        if (uplink != null)
        {
            uplink.start();
        }
    }

    /**
     * Binds the terminal port before the journal is opened, so that a port in use fails first and leaves the
     * data untouched. The server channel does not accept until {@code setAutoRead(true)}: a terminal that
     * connects while the journal is read waits in the listen backlog, and meets a complete router.
     */
    private Channel bind(final Class<? extends ServerChannel> channelClass, final DeferredInitializer children)
    {
        final ChannelFuture bound = new ServerBootstrap()
            .group(bossGroup, workerGroup)
            .channel(channelClass)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.TCP_NODELAY, true)
            // pooled buffers: derived buffers (frame slices) and copies are recycled on the event loops
            .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
            // at most two socket reads (<= 128 KiB) per connection per turn of the event loop: a flooding
            // publisher then holds its loop for a few milliseconds, not tens, before a FLASH on another
            // connection of the same loop is read; each turn still batches hundreds of messages
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(READS_PER_TURN))
            .childHandler(children)
            .bind(new InetSocketAddress(config.host(), config.port()))
            .awaitUninterruptibly();
        if (!bound.isSuccess())
        {
            throw StartFailure.cannotListen(config.host(), config.port(), bound.cause());
        }
        return bound.channel();
    }

    /**
     * The child handler given to the server bootstrap at bind time, before the router's context exists; it
     * installs the real pipeline. Nothing is accepted before {@link #target} is set (auto-read is off).
     */
    @ChannelHandler.Sharable
    private static final class DeferredInitializer extends ChannelInitializer<Channel>
    {
        volatile ChannelHandler target;

        @Override
        protected void initChannel(final Channel ch)
        {
            ch.pipeline().addLast(target);
        }
    }

    /**
     * Starts a router: claims the data folder, binds the terminal port, opens the journal and rebuilds its state,
     * and returns once it accepts connections. Concludes the context first.
     *
     * @throws StartFailure one line naming the thing and the reason, having touched no data where the check
     *                      allows (a port in use, a data folder in use or not writable).
     * @throws io.emcomm.router.config.ConfigException when a security file (registry, policy, TLS) is invalid, or
     *                      the context has no configuration.
     */
    public static Router start(final Context context)
    {
        return new Router(context.conclude());
    }

    /**
     * What a router is started with, in the manner of Aeron's {@code MediaDriver.Context}: the validated
     * settings ({@link RouterConfig}) and what is not a setting, the clocks. Set what differs from the default,
     * then give it to {@link #start}, which calls {@link #conclude()}. Not thread-safe; the router reads it once.
     */
    public static final class Context
    {
        private RouterConfig config;
        private LongSupplier clockMicros;
        private TimeProvider journalTime;
        private JournalBackend.Provider journalBackend;

        /** A context for a router embedded on this machine, at the defaults of {@link RouterConfig#loopback}. */
        public static Context loopback(final java.nio.file.Path dataDir)
        {
            return new Context().config(RouterConfig.loopback(dataDir).build());
        }

        /** The router's settings; required. */
        public Context config(final RouterConfig config)
        {
            this.config = config;
            return this;
        }

        public RouterConfig config()
        {
            return config;
        }

        /**
         * The clock of journal times, expiry, FLASH deadlines and slow consumers, in microseconds since the epoch;
         * the wall clock by default. Tests inject a manual clock and call {@link Router#runTimers()}.
         */
        public Context clockMicros(final LongSupplier clockMicros)
        {
            this.clockMicros = clockMicros;
            return this;
        }

        public LongSupplier clockMicros()
        {
            return clockMicros;
        }

        /**
         * The provider of the journal backend named by {@code emcomm.journal.backend} when it is not the router's own
         * (Chronicle); by default the one {@link java.util.ServiceLoader} finds by that name. Tests and embedding
         * applications give one with options of their own.
         */
        public Context journalBackend(final JournalBackend.Provider provider)
        {
            this.journalBackend = provider;
            return this;
        }

        public JournalBackend.Provider journalBackend()
        {
            return journalBackend;
        }

        /** The time by which the journal rolls its files, the system time by default (tests of retention). */
        Context journalTime(final TimeProvider journalTime)
        {
            this.journalTime = journalTime;
            return this;
        }

        TimeProvider journalTime()
        {
            return journalTime;
        }

        /**
         * Fills in the defaults of what was not set; called by {@link Router#start}, harmless twice.
         *
         * @throws io.emcomm.router.config.ConfigException when no configuration was given.
         */
        public Context conclude()
        {
            if (config == null)
            {
                throw new io.emcomm.router.config.ConfigException("Router.Context: no configuration (config(RouterConfig))");
            }
            if (clockMicros == null)
            {
                clockMicros = new MicrosClock();
            }
            if (journalTime == null)
            {
                journalTime = SystemTimeProvider.INSTANCE;
            }
            return this;
        }
    }

    @Override
    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    @Override
    public RouterConfig config()
    {
        return config;
    }

    @Override
    public RouterCounters counters()
    {
        return counters;
    }

    @Override
    public Journal journal()
    {
        return journal;
    }

    @Override
    public RoutingTable routingTable()
    {
        return table;
    }

    public CursorStore cursors()
    {
        return cursors;
    }

    @Override
    public DiskGuard diskGuard()
    {
        return diskGuard;
    }

    /** What the sessions hold in memory for delivery, against the configured byte budgets. */
    @Override
    public OutboundBudget outboundBudget()
    {
        return outboundBudget;
    }

    @Override
    public List<LinkStatus> linkStatus()
    {
        return peerLinks.status();
    }

    /** The peer links of this router (federation, docs/protocol.md section 14) and their state. */
    public Links links()
    {
        return peerLinks.links();
    }

    /** Whether the link to the parent router is up now; false when there is no {@code emcomm.uplink}. */
    public boolean uplinkUp()
    {
        return uplink != null && uplink.isUp();
    }

    /** {@inheritDoc} The journal backend's report; null with the router's own journal. */
    @Override
    public io.emcomm.router.admin.ClusterStatus cluster()
    {
        return backend == null ? null : backend.clusterStatus();
    }

    /** {@inheritDoc} The journal backend's answer; null with the router's own journal. */
    @Override
    public io.emcomm.router.admin.ClusterTerminal clusterTerminal(final String terminalId)
    {
        return backend == null ? null : backend.clusterTerminal(terminalId);
    }

    /**
     * Metrics, admin endpoint, the disk guard's schedule and retention (of the router's journal, or of a Kafka node's
     * mirror). Null only while starting or after a failed start.
     */
    public OperatorServices operations()
    {
        return operations;
    }

    /** True from the end of start until close begins: the router takes new connections and publishes. */
    @Override
    public boolean isAccepting()
    {
        return accepting && !diskGuard.refusing();
    }

    /** The port of the admin HTTP endpoint, or -1 when it is off. */
    public int adminPort()
    {
        return operations == null ? -1 : operations.adminPort();
    }

    /**
     * Runs every session's periodic checks now, on its event loop, and waits for them: lets tests with an
     * injected clock drive FLASH deadlines and slow-consumer limits without sleeping.
     */
    public void runTimers()
    {
        for (final Session s : table.sessions())
        {
            s.channel().eventLoop().submit(s.feed()::onTimer).syncUninterruptibly();
        }
    }

    /**
     * Stops the router gracefully; a second call does nothing. Stops accepting connections, tells every session
     * GOING_AWAY (SHUTTING_DOWN) after the acks already written, waits up to {@code emcomm.shutdown.drain.ms} for
     * the connections to close, forces the journal to disk from every event loop, closes the journal, then
     * releases the data folder. Every publish a client saw acknowledged is in the journal after a restart.
     */
    @Override
    public void close()
    {
        if (closed.getAndSet(true))
        {
            return;
        }
        accepting = false;
        try
        {
            if (uplink != null)
            {
                uplink.close(); // first: the parent keeps what was not acknowledged, and no redial races the drain
            }
            GracefulShutdown.drain(serverChannel, table, workerGroup, journal, config.shutdownDrainMs());
            shutdownGroups();
            if (operations != null)
            {
                operations.close();
            }
            cursors.close();
            if (backend != null)
            {
                backend.close(); // the apply loop, the producers, then the mirror
            }
            else
            {
                journal.close();
            }
        }
        finally
        {
            // last, and whatever failed above: a restart in this process must find the folder free
            dataFolder.close();
        }
        LOG.info("router {} stopped", config.routerId());
    }

    private void shutdownGroups()
    {
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.terminationFuture().syncUninterruptibly();
    }

    /** Whether a child router advertised terminal {@code id}; false before the links are set up. Any thread. */
    private boolean servedBelow(final String id)
    {
        final PeerLinks links = peerLinks;
        return links != null && links.servedBelow(id);
    }
}
