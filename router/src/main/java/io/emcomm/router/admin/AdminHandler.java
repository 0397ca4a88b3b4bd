package io.emcomm.router.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/** Answers one admin request. Control plane: allocation is fine here. */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";
    /** The fixed bodies, written once with the status document's Jackson mapper. */
    private static final String HEALTHY = StatusReport.JSON.createObjectNode().put("status", "UP") + "\n";
    private static final String READY = StatusReport.JSON.createObjectNode().put("ready", true) + "\n";

    private final RouterView router;
    private final RouterMetrics metrics;
    private final StatusReport status;

    AdminHandler(final RouterView router, final RouterMetrics metrics, final StatusReport status)
    {
        this.router = router;
        this.metrics = metrics;
        this.status = status;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD))
        {
            respond(ctx, keepAlive, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, "only GET\n");
            return;
        }
        final QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        final String path = uri.path();
        final boolean text = uri.parameters().getOrDefault("format", java.util.List.of()).contains("text");
        switch (path)
        {
            case "/metrics" -> respond(ctx, keepAlive, HttpResponseStatus.OK, PROMETHEUS_TEXT, metrics.scrape());
            case "/health" -> respond(ctx, keepAlive, HttpResponseStatus.OK, JSON, HEALTHY);
            case "/ready" -> ready(ctx, keepAlive);
            case "/status" -> respond(ctx, keepAlive, HttpResponseStatus.OK, text ? TEXT : JSON, text ? status.text() : status.json() + "\n");
            case "/terminal" -> terminal(ctx, keepAlive, uri, text);
            default -> respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, TEXT,
                "not found; try /metrics, /health, /ready, /status, /terminal?id=ID\n");
        }
    }

    /** {@code /terminal?id=ID}: where one terminal is ({@link StatusReport#terminal}); 404 when nowhere this router knows. */
    private void terminal(final ChannelHandlerContext ctx, final boolean keepAlive, final QueryStringDecoder uri,
        final boolean text)
    {
        final java.util.List<String> id = uri.parameters().getOrDefault("id", java.util.List.of());
        if (id.isEmpty() || id.get(0).isEmpty())
        {
            respond(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, TEXT, "name the terminal: /terminal?id=ID\n");
            return;
        }
        final String body = status.terminal(id.get(0), text);
        if (body == null)
        {
            respond(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, TEXT, "terminal " + id.get(0)
                + " is not connected to router " + router.config().routerId()
                + (router.cluster() == null ? "" : " and no node of its cluster has claimed it") + "\n");
            return;
        }
        respond(ctx, keepAlive, HttpResponseStatus.OK, text ? TEXT : JSON, body);
    }

    /** 200 while the router takes traffic; 503 while it is starting, shutting down or refusing for lack of disk. */
    private void ready(final ChannelHandlerContext ctx, final boolean keepAlive)
    {
        if (router.isAccepting())
        {
            respond(ctx, keepAlive, HttpResponseStatus.OK, JSON, READY);
        }
        else
        {
            final String why = router.diskGuard().refusing() ? router.diskGuard().detail() : "not accepting (starting or shutting down)";
            respond(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, JSON,
                StatusReport.JSON.createObjectNode().put("ready", false).put("reason", why) + "\n");
        }
    }

    private static void respond(final ChannelHandlerContext ctx, final boolean keepAlive, final HttpResponseStatus code,
        final String contentType, final String body)
    {
        final ByteBuf content = ctx.alloc().buffer().writeBytes(body.getBytes(StandardCharsets.UTF_8));
        final FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, code, content);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        HttpUtil.setContentLength(response, content.readableBytes());
        if (keepAlive)
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        }
        else
        {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("admin connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
