package io.emcomm.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.net.ssl.SSLException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The client side of TLS on the terminal port (docs/security.md §2): TLS 1.3 only, as the router; the CA that
 * signed the router's certificate, and under mutual TLS the terminal's certificate chain and PKCS#8 key, all
 * PEM files. Control plane: runs once per {@link ClientOptions.Builder#build()}.
 */
final class ClientTls
{
    static final String PROTOCOL = "TLSv1.3";

    private ClientTls()
    {
    }

    /**
     * @param ca             trusted CA certificates (PEM), or null for the JDK's default trust store
     * @param chain          the terminal's certificate chain (PEM), or null for none
     * @param key            the private key of {@code chain} (PEM, PKCS#8), null when {@code chain} is
     * @param verifyHostname whether the router's certificate must name the dialled host (RFC 2818 rules)
     * @throws IllegalArgumentException naming the file that cannot be read or used, and why
     */
    static SslContext context(final Path ca, final Path chain, final Path key, final boolean verifyHostname)
    {
        readable("TLS CA file", ca);
        readable("TLS client certificate file", chain);
        readable("TLS client key file", key);
        final SslContextBuilder builder = SslContextBuilder.forClient()
            .protocols(PROTOCOL)
            .endpointIdentificationAlgorithm(verifyHostname ? "HTTPS" : null);
        try
        {
            if (ca != null)
            {
                builder.trustManager(ca.toFile());
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("TLS CA file " + ca + " holds no usable PEM certificate: " + reason(ex), ex);
        }
        try
        {
            if (chain != null)
            {
                builder.keyManager(chain.toFile(), key.toFile());
            }
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("TLS client certificate " + chain + " with key " + key +
                " is not usable (PEM certificate chain and PKCS#8 PEM key that belong together): " + reason(ex), ex);
        }
        try
        {
            return builder.build();
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("cannot build the TLS context from " +
                (ca != null ? ca : "the default CAs") + (chain != null ? ", " + chain + ", " + key : "") + ": " + reason(ex), ex);
        }
    }

    private static void readable(final String what, final Path file)
    {
        if (file != null && !Files.isReadable(file))
        {
            throw new IllegalArgumentException(what + " " + file + (Files.exists(file) ? " cannot be read" : " does not exist"));
        }
    }

    /** The innermost message, which names the real problem ("Input stream does not contain valid private key"). */
    static String reason(final Throwable ex)
    {
        Throwable t = ex;
        String message = String.valueOf(ex.getMessage());
        while (t.getCause() != null && t.getCause() != t)
        {
            t = t.getCause();
            if (t.getMessage() != null)
            {
                message = t.getMessage();
            }
        }
        return message;
    }
}
