package io.emcomm.router.link;

import io.emcomm.protocol.frame.FrameDecoder;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.router.config.ConfigException;
import io.emcomm.router.config.FederationSettings;
import io.emcomm.router.config.Settings;
import io.emcomm.router.delivery.LinkProfile;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child's end of the uplink (docs/protocol.md section 14.1): dials the parent ({@code emcomm.uplink}) on the
 * router's own event loops, over TLS 1.3 when {@code emcomm.uplink.tls.*} is set (mutual with a certificate and key),
 * says HELLO as a router, checks the WELCOME ({@link UplinkHandshake}) and then runs the link with a
 * {@link PeerLinkHandler}. After any close, or a dial that fails, it dials again after a backoff: 100 ms, doubling up
 * to {@code emcomm.uplink.reconnect.max.ms}, back to 100 ms once a link was welcomed; after the parent replaced the
 * link with another login of this router's id (SESSION_REPLACED, {@link UplinkReplacedWatch}) it waits the longest
 * backoff and warns once that two routers may share one id. One log line for each new
 * problem (a repeat of the same one is logged at debug), one when the link comes up.
 *
 * <p>Thread-safe: {@link #start} and {@link #close} from the router's thread, the rest on an event loop.
 */
public final class UplinkConnector implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(UplinkConnector.class);
    private static final String TLS_PROTOCOL = "TLSv1.3";

    private final PeerLinks links;
    private final FederationSettings federation;
    private final LinkProfile profile;
    private final SslContext tls;
    private final Bootstrap bootstrap;
    private final EventLoopGroup group;
    /** Where log lines say the parent is. */
    private final String where;

    private volatile boolean closed;
    private volatile Channel channel;
    private volatile ScheduledFuture<?> redial;
    /** Event loop of the dial and redial (one at a time): the next backoff and the last problem logged. */
    private volatile long backoffMs = FederationSettings.RECONNECT_MIN_MS;
    private volatile String lastProblem;
    /** The parent said SESSION_REPLACED on the current connection: the next redial waits the longest backoff. */
    private volatile boolean replacedAtParent;
    /** The shared-id warning was logged (once per router run; repeats at debug). */
    private volatile boolean sharedIdWarned;

    /**
     * @param links        this router's federation side
     * @param group        the router's event loops: the uplink runs on one of them like any connection
     * @param channelClass the socket channel class of {@code group} (epoll or NIO)
     * @throws ConfigException when the uplink's profile or TLS files are not usable (naming the setting)
     */
    public UplinkConnector(final PeerLinks links, final EventLoopGroup group, final Class<? extends Channel> channelClass)
    {
        this.links = links;
        this.federation = links.config().federation();
        this.group = group;
        this.where = federation.uplink();
        this.profile = profile(federation);
        this.tls = federation.uplinkTls() ? tlsContext(federation) : null;
        this.bootstrap = new Bootstrap().group(group).channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, links.config().security().handshakeTimeoutMs())
            .handler(new ChannelInitializer<>()
            {
                @Override
                protected void initChannel(final Channel ch)
                {
                    if (tls != null)
                    {
                        final SslHandler handler = tls.newHandler(ch.alloc(), federation.uplinkHost(), federation.uplinkPort());
                        handler.setHandshakeTimeoutMillis(links.config().security().handshakeTimeoutMs());
                        ch.pipeline().addLast("tls", handler);
                    }
                    // before the WELCOME the parent's limit is unknown: accept what any router may send
                    ch.pipeline().addLast("frames", new FrameDecoder(Frames.MAX_MAX_FRAME_BYTES + Frames.ROUTER_FRAME_ALLOWANCE));
                    ch.pipeline().addLast(UplinkReplacedWatch.NAME, new UplinkReplacedWatch(UplinkConnector.this));
                    ch.pipeline().addLast(UplinkHandshake.NAME, new UplinkHandshake(links, UplinkConnector.this, profile));
                }
            });
    }

    /**
     * Checks what of the uplink's settings only this package can check (the link profile, the TLS files), so that the
     * router refuses to start before it touches its data.
     *
     * @throws ConfigException naming the setting
     */
    public static void check(final FederationSettings federation)
    {
        if (federation.hasUplink())
        {
            profile(federation);
            if (federation.uplinkTls())
            {
                tlsContext(federation);
            }
        }
    }

    private static LinkProfile profile(final FederationSettings federation)
    {
        try
        {
            return LinkProfile.parse(federation.uplinkProfile());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new ConfigException(Settings.UPLINK_PROFILE.key() + ": " + ex.getMessage());
        }
    }

    private static SslContext tlsContext(final FederationSettings federation)
    {
        final SslContextBuilder builder = SslContextBuilder.forClient().protocols(TLS_PROTOCOL)
            .endpointIdentificationAlgorithm("HTTPS");
        try
        {
            if (federation.uplinkTlsCa() != null)
            {
                builder.trustManager(federation.uplinkTlsCa().toFile());
            }
            if (federation.uplinkTlsCert() != null)
            {
                builder.keyManager(federation.uplinkTlsCert().toFile(), federation.uplinkTlsKey().toFile());
            }
            return builder.build();
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new ConfigException(Settings.UPLINK_TLS_CA.key() + ", " + Settings.UPLINK_TLS_CERT.key() + ", "
                + Settings.UPLINK_TLS_KEY.key() + ": cannot build the uplink's TLS context: " + ex.getMessage());
        }
    }

    /** Dials the parent now (and again after every close, until {@link #close}). */
    public void start()
    {
        LOG.info("uplink to {} ({}{}), dialling", where, federation.uplinkRouterId(),
            profile.isShaped() ? ", link " + profile.name() : "");
        group.next().execute(this::dial);
    }

    /** The parent's address as configured, for log lines. */
    String where()
    {
        return where;
    }

    /** Whether the uplink is up now (welcomed and not closed). */
    public boolean isUp()
    {
        final Channel c = channel;
        return c != null && c.isActive() && c.pipeline().get(PeerLinkHandler.class) != null;
    }

    private void dial()
    {
        if (closed)
        {
            return;
        }
        final ChannelFuture connecting = bootstrap.connect(federation.uplinkHost(), federation.uplinkPort());
        channel = connecting.channel();
        connecting.addListener(f ->
        {
            if (!f.isSuccess())
            {
                problem("cannot reach the parent router at " + where + ": " + f.cause().getMessage());
                scheduleRedial(connecting.channel().eventLoop());
                return;
            }
            connecting.channel().closeFuture().addListener(c -> scheduleRedial(connecting.channel().eventLoop()));
        });
    }

    private void scheduleRedial(final io.netty.channel.EventLoop loop)
    {
        if (closed)
        {
            return;
        }
        if (replacedAtParent)
        {
            // another router with this id takes the link at each login: dialling at once would flap the link (and
            // move this router's messages to the other one) several times a second
            replacedAtParent = false;
            backoffMs = federation.reconnectMaxMs();
        }
        final long delay = backoffMs;
        backoffMs = Math.min(backoffMs * 2, federation.reconnectMaxMs());
        redial = loop.schedule(this::dial, delay, TimeUnit.MILLISECONDS);
    }

    /** The parent welcomed the link: the next redial starts from the shortest backoff again. Event loop. */
    void welcomed()
    {
        backoffMs = FederationSettings.RECONNECT_MIN_MS;
        lastProblem = null;
        LOG.info("uplink to {} ({}) is up", where, federation.uplinkRouterId());
    }

    /**
     * The parent ended the link with SESSION_REPLACED: another login with this router's id took it. One WARN naming the
     * likely cause (two routers sharing one id), repeats at debug; the next redial waits the longest backoff. Event
     * loop of the link.
     */
    void replacedAtParent()
    {
        replacedAtParent = true;
        final String what = "another router with id " + links.config().routerId() + " linked to the parent at " + where
            + "; two routers share one id? (the parent replaced this router's link; dialling again in "
            + federation.reconnectMaxMs() + " ms)";
        if (sharedIdWarned)
        {
            LOG.debug(what);
            return;
        }
        sharedIdWarned = true;
        LOG.warn(what);
    }

    /** One log line for each new problem; the same one again (every redial) only at debug. Event loop. */
    void problem(final String what)
    {
        if (what.equals(lastProblem))
        {
            LOG.debug("{}; dialling again", what);
            return;
        }
        lastProblem = what;
        LOG.warn("{}; dialling again with backoff (up to {} ms)", what, federation.reconnectMaxMs());
    }

    /** Stops dialling and closes the link; the router's shutdown calls it first. */
    @Override
    public void close()
    {
        closed = true;
        final ScheduledFuture<?> r = redial;
        if (r != null)
        {
            r.cancel(false);
        }
        final Channel c = channel;
        if (c != null)
        {
            c.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
