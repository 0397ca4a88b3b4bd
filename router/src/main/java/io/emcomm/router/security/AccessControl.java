package io.emcomm.router.security;

import io.emcomm.router.config.AuthMode;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.router.config.ConfigException;
import io.emcomm.router.config.SecuritySettings;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The router's security decisions in one place: who may log in (token or client certificate checked against
 * the terminal registry), what they may publish and subscribe to ({@link AccessPolicy}), the TLS context, and
 * the connection count. Built once at start; thread-safe.
 */
public final class AccessControl
{
    private final SecuritySettings config;
    private final TerminalRegistry registry;
    private final AccessPolicy policy;
    private final SslContext sslContext;
    private final AtomicInteger connections = new AtomicInteger();

    /**
     * Loads the terminal registry and access policy the settings name and builds the TLS context. Start-up thread.
     * @throws io.emcomm.router.config.ConfigException naming the file or setting at fault
     */
    public AccessControl(final SecuritySettings config)
    {
        this.config = config;
        this.registry = config.terminalsFile() == null ? null : TerminalRegistry.load(config.terminalsFile());
        if (config.aclFile() != null)
        {
            this.policy = AccessPolicy.load(config.aclFile());
        }
        else
        {
            this.policy = config.authMode() == AuthMode.NONE ? AccessPolicy.ALLOW_ALL
                : AccessPolicy.parse(AccessPolicy.DEFAULT_RULES, "the default policy");
        }
        this.sslContext = config.tls() ? sslContext(config) : null;
    }

    private static SslContext sslContext(final SecuritySettings config)
    {
        try
        {
            final SslContextBuilder builder = SslContextBuilder.forServer(config.tlsCert().toFile(), config.tlsKey().toFile())
                .protocols("TLSv1.3");
            if (config.tlsCa() != null)
            {
                builder.trustManager(config.tlsCa().toFile())
                    .clientAuth(config.authMode() == AuthMode.MTLS ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
            }
            return builder.build();
        }
        catch (final SSLException | IllegalArgumentException ex)
        {
            throw new ConfigException("emcomm.tls.*: cannot build the TLS context from " + config.tlsCert() + ", " + config.tlsKey()
                + (config.tlsCa() != null ? ", " + config.tlsCa() : "") + ": " + ex.getMessage());
        }
    }

    public SecuritySettings config()
    {
        return config;
    }

    /** The TLS context, or null when the terminal port is plain TCP. */
    public SslContext sslContext()
    {
        return sslContext;
    }

    public AccessPolicy policy()
    {
        return policy;
    }

    /** Whether the terminal registry lists this id; false when there is no registry (authentication off). */
    public boolean registered(final String terminalId)
    {
        return registry != null && registry.entry(terminalId) != null;
    }

    /**
     * The region the terminal registry lists for an id, or null when it does not list it or there is no registry
     * (authentication off). Used to check what a child router forwards (federation, issue 16 item 5). Any thread.
     */
    public String registeredRegion(final String terminalId)
    {
        final TerminalRegistry.Entry entry = registry == null ? null : registry.entry(terminalId);
        return entry == null ? null : entry.region();
    }

    public boolean authenticating()
    {
        return config.authMode() != AuthMode.NONE;
    }

    /** Counts a new connection; false when the router is at its limit (the caller closes it). */
    public boolean admit()
    {
        if (connections.incrementAndGet() > config.maxConnections())
        {
            connections.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release()
    {
        connections.decrementAndGet();
    }

    public int connections()
    {
        return connections.get();
    }

    /**
     * Checks a HELLO against the registry and, under mutual TLS, the client certificate.
     *
     * @return null when the terminal may log in, otherwise the reason (never naming the expected secret).
     */
    public String authenticate(final Hello hello, final SSLSession tls)
    {
        if (config.authMode() == AuthMode.NONE)
        {
            return null;
        }
        final String id = hello.getTerminalId();
        final TerminalRegistry.Entry entry = registry.entry(id);
        if (entry == null)
        {
            return "terminal '" + id + "' is not in the terminal registry";
        }
        if (entry.kind() != hello.getKind() || !entry.region().equals(hello.getRegionCode()))
        {
            return "terminal '" + id + "' claims " + hello.getKind() + "@" + hello.getRegionCode() + " but is registered as "
                + entry.kind() + "@" + entry.region();
        }
        if (config.authMode() == AuthMode.TOKEN)
        {
            if (entry.tokenHash() == null)
            {
                return "terminal '" + id + "' has no token in the registry";
            }
            return TokenHash.verify(entry.tokenHash(), hello.getCredential()) ? null : "wrong credential for terminal '" + id + "'";
        }
        final String cn = certificateName(tls);
        if (cn == null)
        {
            return "no client certificate";
        }
        return cn.equals(id) ? null : "the client certificate is for '" + cn + "', not '" + id + "'";
    }

    private static String certificateName(final SSLSession tls)
    {
        if (tls == null)
        {
            return null;
        }
        try
        {
            final Certificate[] chain = tls.getPeerCertificates();
            final String dn = ((X509Certificate)chain[0]).getSubjectX500Principal().getName();
            for (final Rdn rdn : new LdapName(dn).getRdns())
            {
                if (rdn.getType().equalsIgnoreCase("CN"))
                {
                    return rdn.getValue().toString();
                }
            }
            return null;
        }
        catch (final SSLPeerUnverifiedException | InvalidNameException ex)
        {
            return null;
        }
    }
}
