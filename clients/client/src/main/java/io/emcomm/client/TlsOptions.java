package io.emcomm.client;

import io.netty.handler.ssl.SslContext;

import java.nio.file.Path;

/**
 * How a client reaches the router over TLS 1.3 (docs/security.md): the CA file it trusts (null = the JDK's
 * default CAs), the certificate chain and key it presents under mutual TLS (both or neither), and whether the
 * router's certificate must name the dialled host. Part of {@link ClientOptions}; immutable. No CA and no
 * certificate means plain TCP.
 */
record TlsOptions(Path ca, Path certificate, Path key, boolean verifyHostname)
{
    static final TlsOptions PLAIN = new TlsOptions(null, null, null, true);

    TlsOptions withCa(final Path caPem)
    {
        return new TlsOptions(caPem, certificate, key, verifyHostname);
    }

    TlsOptions withClientCertificate(final Path chainPem, final Path keyPem)
    {
        return new TlsOptions(ca, chainPem, keyPem, verifyHostname);
    }

    TlsOptions withVerifyHostname(final boolean verify)
    {
        return new TlsOptions(ca, certificate, key, verify);
    }

    /**
     * Validates and reads the PEM files now, so that a missing or unusable file is reported when the options are
     * built and not at the first connection.
     *
     * @return the TLS context, or null for plain TCP
     * @throws IllegalArgumentException naming the file and the reason, or a certificate without its key
     */
    SslContext context()
    {
        if ((certificate == null) != (key == null))
        {
            throw new IllegalArgumentException("TLS client certificate and key: give both or neither");
        }
        return ca == null && certificate == null ? null : ClientTls.context(ca, certificate, key, verifyHostname);
    }
}
