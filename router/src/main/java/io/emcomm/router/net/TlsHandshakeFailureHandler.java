package io.emcomm.router.net;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLHandshakeException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.util.Locale;

/**
 * Sits right after the TLS handler and logs, in one line, why a terminal's TLS handshake failed: the peer's
 * address and the reason (no client certificate, a certificate from another CA, the client did not trust the
 * router's certificate, no common protocol version, plain TCP). Without it a refused client is only a closed
 * socket in the router's log. Removes itself once the handshake succeeds, so the session's hot path does not
 * pass through it. Shared by every connection: it holds no state.
 */
@ChannelHandler.Sharable
public final class TlsHandshakeFailureHandler extends ChannelInboundHandlerAdapter
{
    public static final TlsHandshakeFailureHandler INSTANCE = new TlsHandshakeFailureHandler();

    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeFailureHandler.class);

    private TlsHandshakeFailureHandler()
    {
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
    {
        if (evt instanceof SslHandshakeCompletionEvent done)
        {
            if (done.isSuccess())
            {
                ctx.pipeline().remove(this);
            }
            else
            {
                LOG.warn("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), reason(done.cause()));
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** The reason in the operator's words, with the TLS library's own message in brackets. */
    static String reason(final Throwable cause)
    {
        if (cause instanceof NotSslRecordException)
        {
            return "the client does not speak TLS (plain TCP to the TLS terminal port?)"; // its message is a hex dump
        }
        if (cause instanceof SslHandshakeTimeoutException)
        {
            return "the handshake did not finish in time (" + cause.getMessage() + ")";
        }
        if (cause instanceof ClosedChannelException)
        {
            return "the connection closed during the handshake";
        }
        final String detail = innermost(cause);
        if (has(cause, CertificateExpiredException.class))
        {
            return "the client certificate has expired (" + detail + ")";
        }
        if (has(cause, CertPathBuilderException.class) || has(cause, CertPathValidatorException.class))
        {
            return "the client certificate is not signed by the CA in emcomm.tls.ca (" + detail + ")";
        }
        final String message = String.valueOf(cause.getMessage());
        final String lower = message.toLowerCase(Locale.ROOT);
        if (lower.contains("empty client certificate chain") || lower.contains("certificate_required"))
        {
            // A JDK client sends none when it has none issued by a CA the router named in its request.
            return "no client certificate signed by the CA in emcomm.tls.ca (" + message + ")";
        }
        if (lower.startsWith("received fatal alert: "))
        {
            final String alert = lower.substring("received fatal alert: ".length());
            return switch (alert)
            {
                case "certificate_unknown", "bad_certificate", "unknown_ca" ->
                    "the client does not trust the router's certificate (" + message + ")";
                case "protocol_version", "handshake_failure", "insufficient_security" ->
                    "no protocol version or cipher in common; the router accepts TLS 1.3 only (" + message + ")";
                default -> "the client ended the handshake (" + message + ")";
            };
        }
        if (cause instanceof SSLHandshakeException && (lower.contains("protocol") || lower.contains("cipher suite")))
        {
            return "no protocol version or cipher in common; the router accepts TLS 1.3 only (" + message + ")";
        }
        return detail;
    }

    private static boolean has(final Throwable ex, final Class<? extends Throwable> type)
    {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (type.isInstance(t))
            {
                return true;
            }
        }
        return false;
    }

    private static String innermost(final Throwable ex)
    {
        String message = String.valueOf(ex.getMessage());
        for (Throwable t = ex.getCause(); t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (t.getMessage() != null)
            {
                message = t.getMessage();
            }
        }
        return message;
    }
}
