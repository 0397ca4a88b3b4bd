package io.emcomm.router.config;

import java.nio.file.Path;
import java.util.Locale;

import static io.emcomm.router.config.Settings.ACL_FILE;
import static io.emcomm.router.config.Settings.AUTH_MODE;
import static io.emcomm.router.config.Settings.HANDSHAKE_TIMEOUT_MS;
import static io.emcomm.router.config.Settings.IDLE_TIMEOUT_MS;
import static io.emcomm.router.config.Settings.LIMIT_BYTES_PER_SEC;
import static io.emcomm.router.config.Settings.LIMIT_FLASH_FLOOR_PER_SEC;
import static io.emcomm.router.config.Settings.LIMIT_MSGS_PER_SEC;
import static io.emcomm.router.config.Settings.LIMIT_SUBSCRIPTIONS;
import static io.emcomm.router.config.Settings.MAX_CONNECTIONS;
import static io.emcomm.router.config.Settings.TERMINALS_FILE;
import static io.emcomm.router.config.Settings.TLS_CA;
import static io.emcomm.router.config.Settings.TLS_CERT;
import static io.emcomm.router.config.Settings.TLS_KEY;
import static io.emcomm.router.config.Settings.VALIDATE_BODIES;

/**
 * The security part of {@link RouterConfig}: authentication, authorization, TLS and per-connection limits
 * (docs/security.md). Immutable; built by {@link RouterConfig.Builder}, which checks each value against its
 * declaration in {@link Settings}; the constructor checks what relates two of them, with messages that name
 * the keys.
 *
 * @param authMode            how a terminal proves who it is ({@code emcomm.auth.mode}).
 * @param terminalsFile       the terminal registry, or null ({@code emcomm.auth.terminals.file}).
 * @param aclFile             the access policy, or null for the built-in one ({@code emcomm.acl.file}).
 * @param tlsCert             PEM server certificate chain, or null for plain TCP ({@code emcomm.tls.cert}).
 * @param tlsKey              its PKCS#8 key, or null ({@code emcomm.tls.key}).
 * @param tlsCa               CA of client certificates, or null ({@code emcomm.tls.ca}).
 * @param messagesPerSecond   per-connection publish budget, 0 = off ({@code emcomm.limit.msgs.per.sec}).
 * @param bytesPerSecond      per-connection publish budget in bytes, 0 = off ({@code emcomm.limit.bytes.per.sec}).
 * @param flashFloorPerSecond FLASH passes at this rate when the budgets are spent
 *                            ({@code emcomm.limit.flash.floor.per.sec}).
 * @param maxSubscriptions    channel subscriptions per terminal ({@code emcomm.limit.subscriptions}).
 * @param idleTimeoutMs       a silent session is closed after this, milliseconds; 0 = never
 *                            ({@code emcomm.idle.timeout.ms}).
 * @param handshakeTimeoutMs  HELLO must come within this, milliseconds ({@code emcomm.handshake.timeout.ms}).
 * @param maxConnections      connections beyond are refused ({@code emcomm.max.connections}).
 * @param validateBodies      whether every envelope is checked whole before it is accepted
 *                            ({@code emcomm.validate.bodies}).
 */
public record SecuritySettings(
    AuthMode authMode,
    Path terminalsFile,
    Path aclFile,
    Path tlsCert,
    Path tlsKey,
    Path tlsCa,
    long messagesPerSecond,
    long bytesPerSecond,
    long flashFloorPerSecond,
    int maxSubscriptions,
    int idleTimeoutMs,
    int handshakeTimeoutMs,
    int maxConnections,
    boolean validateBodies)
{
    /**
     * @throws ConfigException when token or mtls has no terminal registry, mtls has no certificate or CA, or only
     *                         one of certificate and key is set.
     */
    public SecuritySettings
    {
        if (authMode != AuthMode.NONE && terminalsFile == null)
        {
            throw new ConfigException(TERMINALS_FILE.key() + ": required when " + AUTH_MODE.key() + " is "
                + authMode.name().toLowerCase(Locale.ROOT));
        }
        if (authMode == AuthMode.MTLS && (tlsCert == null || tlsCa == null))
        {
            throw new ConfigException(TLS_CA.key() + " and " + TLS_CERT.key() + ": required when " + AUTH_MODE.key()
                + " is mtls");
        }
        if ((tlsCert == null) != (tlsKey == null))
        {
            throw new ConfigException(TLS_CERT.key() + " and " + TLS_KEY.key() + ": set both or neither");
        }
    }

    /** True when the terminal port speaks TLS. */
    public boolean tls()
    {
        return tlsCert != null;
    }

    static SecuritySettings from(final SettingValues v)
    {
        return new SecuritySettings(v.get(AUTH_MODE), v.get(TERMINALS_FILE), v.get(ACL_FILE), v.get(TLS_CERT),
            v.get(TLS_KEY), v.get(TLS_CA), v.get(LIMIT_MSGS_PER_SEC), v.get(LIMIT_BYTES_PER_SEC),
            v.get(LIMIT_FLASH_FLOOR_PER_SEC), v.get(LIMIT_SUBSCRIPTIONS), v.get(IDLE_TIMEOUT_MS),
            v.get(HANDSHAKE_TIMEOUT_MS), v.get(MAX_CONNECTIONS), v.get(VALIDATE_BODIES));
    }

    /**
     * Sets the security settings of a {@link RouterConfig.Builder} programmatically (tests, embedding); its
     * {@code build()} validates them with the rest.
     */
    public static final class Builder
    {
        private final SettingValues values;

        Builder(final SettingValues values)
        {
            this.values = values;
        }

        /** How terminals prove who they are (emcomm.auth.mode): none, token or certificate (docs/security.md). */
        public Builder authMode(final AuthMode mode)
        {
            values.put(AUTH_MODE, mode);
            return this;
        }

        /** The terminal registry file (emcomm.auth.terminals.file): ids, kinds, regions and token hashes. */
        public Builder terminalsFile(final Path file)
        {
            values.put(TERMINALS_FILE, file);
            return this;
        }

        /** The access policy file (emcomm.acl.file); none allows every publish. */
        public Builder aclFile(final Path file)
        {
            values.put(ACL_FILE, file);
            return this;
        }

        /** The server certificate chain, its key, and the CA of client certificates (each may be null). */
        public Builder tls(final Path cert, final Path key, final Path ca)
        {
            values.put(TLS_CERT, cert);
            values.put(TLS_KEY, key);
            values.put(TLS_CA, ca);
            return this;
        }

        /** Per-connection publish budgets (0 = off) and the FLASH floor, per second. */
        public Builder rateLimits(final long messagesPerSecond, final long bytesPerSecond, final long flashFloorPerSecond)
        {
            values.put(LIMIT_MSGS_PER_SEC, messagesPerSecond);
            values.put(LIMIT_BYTES_PER_SEC, bytesPerSecond);
            values.put(LIMIT_FLASH_FLOOR_PER_SEC, flashFloorPerSecond);
            return this;
        }

        /** The most channel subscriptions one terminal may hold (emcomm.limit.subscriptions). */
        public Builder maxSubscriptions(final int maxSubscriptions)
        {
            values.put(LIMIT_SUBSCRIPTIONS, maxSubscriptions);
            return this;
        }

        /** Both in milliseconds; an idle timeout of 0 is off. */
        public Builder timeouts(final int handshakeTimeoutMs, final int idleTimeoutMs)
        {
            values.put(HANDSHAKE_TIMEOUT_MS, handshakeTimeoutMs);
            values.put(IDLE_TIMEOUT_MS, idleTimeoutMs);
            return this;
        }

        /** Whether every envelope is parsed whole before it is accepted (default true). */
        public Builder validateBodies(final boolean validateBodies)
        {
            values.put(VALIDATE_BODIES, validateBodies);
            return this;
        }

        /**
         * The most connections the router accepts at once (emcomm.max.connections); more are refused with
         * TOO_MANY_CONNECTIONS.
         */
        public Builder maxConnections(final int maxConnections)
        {
            values.put(MAX_CONNECTIONS, maxConnections);
            return this;
        }
    }
}
