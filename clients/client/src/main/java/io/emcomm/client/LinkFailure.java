package io.emcomm.client;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import javax.net.ssl.SSLException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Locale;

/**
 * Turns what went wrong on the link into one sentence for the user: a refused or timed-out connection, and
 * the TLS failures that a misconfigured client or router produce (an untrusted router certificate, a
 * certificate for another host, a router that wants a client certificate, plain TCP on one side).
 */
final class LinkFailure
{
    private LinkFailure()
    {
    }

    /** Why a connection attempt failed, e.g. "connection refused". */
    static String connectFailure(final Throwable cause)
    {
        if (cause instanceof ConnectTimeoutException)
        {
            return "connection timed out";
        }
        if (cause instanceof ConnectException)
        {
            return "connection refused";
        }
        if (cause instanceof UnknownHostException)
        {
            return "unknown host (" + cause.getMessage() + ")";
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    /**
     * A TLS failure explained, or null when {@code ex} is not one.
     *
     * @param router         "host:port", for the message
     * @param hasCertificate whether the client was given a certificate to present
     */
    static EmcommException tls(final Throwable ex, final String router, final boolean hasCertificate)
    {
        final Throwable cause = ex instanceof DecoderException && ex.getCause() != null ? ex.getCause() : ex;
        if (cause instanceof NotSslRecordException)
        {
            return new EmcommException("the router at " + router + " did not answer in TLS (is its terminal port plain TCP?)", cause);
        }
        if (cause instanceof SslHandshakeTimeoutException)
        {
            return new EmcommException("TLS handshake with the router at " + router + " timed out", cause);
        }
        if (!(cause instanceof SSLException))
        {
            return null;
        }
        return new EmcommException("TLS handshake with the router at " + router + " failed: " + explain(cause, hasCertificate), cause);
    }

    private static String explain(final Throwable ssl, final boolean hasCertificate)
    {
        if (find(ssl, CertPathBuilderException.class) != null || find(ssl, CertPathValidatorException.class) != null)
        {
            return "the router's certificate is not signed by a CA this client trusts (check the TLS CA file)";
        }
        final CertificateException badCert = find(ssl, CertificateException.class);
        final String certProblem = badCert == null ? "" : String.valueOf(badCert.getMessage()).toLowerCase(Locale.ROOT);
        if (certProblem.contains("subject alternative") || certProblem.contains("no name matching"))
        {
            return "the router's certificate does not name the host dialled (" + badCert.getMessage() + ")";
        }
        final String message = String.valueOf(ssl.getMessage());
        final String alert = message.startsWith("Received fatal alert: ") ? message.substring("Received fatal alert: ".length()) : null;
        if (alert == null)
        {
            return ClientTls.reason(ssl);
        }
        return switch (alert)
        {
            // Under TLS 1.3 the router's verdict on the client certificate arrives as an alert after the
            // client's side of the handshake has finished; a JDK router says bad_certificate for none at all.
            case "certificate_required", "bad_certificate", "certificate_unknown", "unknown_ca", "access_denied",
                 "certificate_expired", "certificate_revoked", "unsupported_certificate" -> hasCertificate ?
                "the router refused the client certificate; is it signed by the router's CA and still valid? (" + message + ")" :
                "the router requires a client certificate (" + message + ")";
            case "protocol_version", "handshake_failure", "insufficient_security" ->
                "no TLS version or cipher in common; the router speaks TLS 1.3 only (" + message + ")";
            default -> message;
        };
    }

    private static <T extends Throwable> T find(final Throwable ex, final Class<T> type)
    {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause())
        {
            if (type.isInstance(t))
            {
                return type.cast(t);
            }
        }
        return null;
    }
}
