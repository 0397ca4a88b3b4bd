package io.emcomm.testing;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The PEM files of docs/security.md's mutual TLS worked example, made on the fly in a folder: a CA
 * ({@code ca.pem}), the router's certificate ({@code server.pem}, {@code server.pk8.key}, naming localhost and
 * 127.0.0.1) and one certificate per terminal ({@code ID.pem}, {@code ID.key}, CN = the terminal id, PKCS#8).
 */
public final class TestPki
{
    private final Path dir;
    private final X509Bundle ca;

    /** A CA named {@code caName}; its certificate is {@code dir/ca.pem} (or {@code dir/<prefix>ca.pem}). */
    public TestPki(final Path dir, final String caName) throws Exception
    {
        this.dir = Files.createDirectories(dir);
        this.ca = builder().subject("CN=" + caName).setIsCertificateAuthority(true).buildSelfSigned();
        Files.writeString(ca(), ca.getCertificatePEM());
    }

    private static CertificateBuilder builder()
    {
        return new CertificateBuilder().ecp256().notBefore(Instant.now().minus(1, ChronoUnit.DAYS))
            .notAfter(Instant.now().plus(1, ChronoUnit.DAYS));
    }

    public Path dir()
    {
        return dir;
    }

    public Path ca()
    {
        return dir.resolve("ca.pem");
    }

    /** The router's certificate, for {@code names} (DNS names, or IP addresses when they start with a digit). */
    public void server(final String... names) throws Exception
    {
        final CertificateBuilder b = builder().subject("CN=" + names[0]).addExtendedKeyUsageServerAuth();
        for (final String name : names)
        {
            if (Character.isDigit(name.charAt(0)))
            {
                b.addSanIpAddress(name);
            }
            else
            {
                b.addSanDnsName(name);
            }
        }
        final X509Bundle server = b.buildIssuedBy(ca);
        Files.writeString(serverCertificate(), server.getCertificatePathPEM());
        Files.writeString(serverKey(), server.getPrivateKeyPEM());
    }

    public Path serverCertificate()
    {
        return dir.resolve("server.pem");
    }

    public Path serverKey()
    {
        return dir.resolve("server.pk8.key");
    }

    /** A terminal's certificate (CN = {@code id}) and key: {@code dir/ID.pem}, {@code dir/ID.key}. */
    public void terminal(final String id) throws Exception
    {
        final X509Bundle t = builder().subject("CN=" + id).addExtendedKeyUsageClientAuth().buildIssuedBy(ca);
        Files.writeString(certificate(id), t.getCertificatePathPEM());
        Files.writeString(key(id), t.getPrivateKeyPEM());
    }

    /**
     * A terminal's certificate as a bundle (for a hand-made SSLContext), optionally expired. Written nowhere.
     */
    public X509Bundle terminalBundle(final String id, final boolean expired) throws Exception
    {
        final CertificateBuilder b = expired ?
            new CertificateBuilder().ecp256().notBefore(Instant.now().minus(3, ChronoUnit.DAYS)).notAfter(Instant.now().minus(1, ChronoUnit.DAYS)) :
            builder();
        return b.subject("CN=" + id).addExtendedKeyUsageClientAuth().buildIssuedBy(ca);
    }

    public X509Bundle caBundle()
    {
        return ca;
    }

    public Path certificate(final String id)
    {
        return dir.resolve(id + ".pem");
    }

    public Path key(final String id)
    {
        return dir.resolve(id + ".key");
    }
}
