package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.router.delivery.CursorStore;
import io.emcomm.router.delivery.DeliveryContext;
import io.emcomm.router.delivery.EnvelopeBodies;
import io.emcomm.router.delivery.TerminalState;
import io.emcomm.router.journal.ChronicleCursorStore;
import io.emcomm.router.journal.ChronicleJournal;
import io.emcomm.router.journal.JournalEntry;
import io.emcomm.router.journal.JournalReader;
import io.emcomm.router.route.ReceiptPublisher;
import io.emcomm.router.security.Gatekeeper;
import io.emcomm.router.session.Session;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.emcomm.router.journal.Journal;
import io.emcomm.router.journal.OriginRegistry;
import io.emcomm.router.net.RouterChannelInitializer;
import io.emcomm.router.net.RouterContext;
import io.emcomm.router.route.LocalRoutingTable;
import io.emcomm.router.route.RoutingTable;
import io.emcomm.router.route.Switchboard;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * An EmComm router: opens the journal, rebuilds the dedupe state from it, and serves terminals over TCP.
 * {@link #start} returns once the port is bound; {@link #close} stops accepting, closes every session and
 * closes the journal.
 */
public final class Router implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    private final RouterConfig config;
    private final RouterCounters counters = new RouterCounters();
    private final Journal journal;
    private final RoutingTable table;
    private final CursorStore cursors;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Router(final RouterConfig config, final LongSupplier clockMicros)
    {
        this.config = config;
        try
        {
            Files.createDirectories(config.journalDir());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create data folder " + config.dataDir() + ": " + ex.getMessage(), ex);
        }
        journal = new ChronicleJournal(config.journalDir());
        final OriginRegistry origins = new OriginRegistry();
        final long entries = origins.rebuildFrom(journal);
        LOG.info("dedupe state rebuilt from {} journal entries ({} origins)", entries, origins.size());
        cursors = new ChronicleCursorStore(config.dataDir().resolve("cursors"));
        restoreLatestPositions();
        table = new LocalRoutingTable();
        final Gatekeeper gatekeeper = new Gatekeeper(config.security());
        final Switchboard switchboard = new Switchboard(journal, table, counters, clockMicros, origins.state(config.routerId()));
        final ReceiptPublisher receipts = new ReceiptPublisher(journal, switchboard, origins.state(config.routerId()), counters,
            clockMicros, config.flashEscalate());
        final DeliveryContext delivery = new DeliveryContext(journal, cursors, switchboard.publishLock(), counters, clockMicros,
            receipts, config.routerId(), config.deliveryWindow(), config.outboundQueueLimit(), config.flashAckTimeoutMs() * 1000L,
            config.slowConsumerDisconnectMs() * 1000L);
        final RouterContext context = new RouterContext(config, journal, origins, table, switchboard, counters, clockMicros,
            cursors, delivery, gatekeeper);

        final boolean epoll = Epoll.isAvailable();
        final IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        final Class<? extends ServerChannel> channelClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        workerGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);
        try
        {
            serverChannel = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelClass)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // pooled buffers: derived buffers (frame slices) and copies are recycled on the event loops
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new RouterChannelInitializer(context))
                .bind(new InetSocketAddress(config.host(), config.port()))
                .syncUninterruptibly()
                .channel();
        }
        catch (final RuntimeException ex)
        {
            shutdownGroups();
            cursors.close();
            journal.close();
            throw ex;
        }
        LOG.info("router {} listening on {} ({}, {} io threads)", config.routerId(), serverChannel.localAddress(),
            epoll ? "epoll" : "nio", config.ioThreads());
    }

    /** Starts a router with the wall clock. */
    public static Router start(final RouterConfig config)
    {
        return new Router(config, new MicrosClock());
    }

    /** Starts a router with an injected clock (microseconds since the epoch), for tests of expiry. */
    public static Router start(final RouterConfig config, final LongSupplier clockMicros)
    {
        return new Router(config, clockMicros);
    }

    public int port()
    {
        return ((InetSocketAddress)serverChannel.localAddress()).getPort();
    }

    public RouterConfig config()
    {
        return config;
    }

    public RouterCounters counters()
    {
        return counters;
    }

    public Journal journal()
    {
        return journal;
    }

    public RoutingTable routingTable()
    {
        return table;
    }

    public CursorStore cursors()
    {
        return cursors;
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

    /** The last position report of each terminal, found by one pass over the journal at start. */
    private void restoreLatestPositions()
    {
        final EnvelopeHeader header = new EnvelopeHeader();
        final JournalEntry entry = new JournalEntry();
        try (JournalReader reader = journal.newReader())
        {
            reader.toStart();
            while (reader.next(entry))
            {
                if (header.wrap(Unpooled.wrappedBuffer(entry.envelope(), 0, entry.envelopeLength()), 0, entry.envelopeLength())
                    && header.bodyField() == EnvelopeBodies.POSITION)
                {
                    final TerminalState t = cursors.terminal(header.origin(), entry.index());
                    t.lastPositionIndex(entry.index());
                    t.regionCode(entry.originRegion());
                }
            }
        }
    }

    /** Stops the router; a second call does nothing. */
    @Override
    public void close()
    {
        if (closed.getAndSet(true))
        {
            return;
        }
        serverChannel.close().syncUninterruptibly();
        shutdownGroups();
        cursors.close();
        journal.close();
        LOG.info("router {} stopped", config.routerId());
    }

    private void shutdownGroups()
    {
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        bossGroup.terminationFuture().syncUninterruptibly();
    }
}
