package io.emcomm.router.config;

import io.emcomm.router.config.AuthMode;

import java.nio.file.Path;

/**
 * The security part of {@link RouterConfig}: authentication, authorization, TLS and per-connection limits.
 * Immutable; validated by {@link Builder#build()} with messages that name the key.
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
    public boolean tls()
    {
        return tlsCert != null;
    }

    /** Fluent builder for the security settings. */
    public static final class Builder
    {
        private AuthMode authMode = AuthMode.NONE;
        private Path terminalsFile;
        private Path aclFile;
        private Path tlsCert;
        private Path tlsKey;
        private Path tlsCa;
        private long messagesPerSecond;
        private long bytesPerSecond;
        private long flashFloorPerSecond = RouterConfig.LIMIT_FLASH_FLOOR_DEFAULT;
        private int maxSubscriptions = RouterConfig.LIMIT_SUBSCRIPTIONS_DEFAULT;
        private int idleTimeoutMs = RouterConfig.IDLE_TIMEOUT_DEFAULT_MS;
        private int handshakeTimeoutMs = RouterConfig.HANDSHAKE_TIMEOUT_DEFAULT_MS;
        private int maxConnections = RouterConfig.MAX_CONNECTIONS_DEFAULT;
        private boolean validateBodies = true;

        Builder()
        {
        }

        /** Sets a key from a file or the environment; false when the key is not a security key. */
        boolean set(final String key, final String value)
        {
            switch (key)
            {
                case RouterConfig.AUTH_MODE_PROP:
                    try
                    {
                        authMode = AuthMode.parse(value);
                    }
                    catch (final IllegalArgumentException ex)
                    {
                        throw new ConfigException(key + ": '" + value + "' is not one of none, token, mtls");
                    }
                    return true;
                case RouterConfig.TERMINALS_FILE_PROP: terminalsFile = path(value); return true;
                case RouterConfig.ACL_FILE_PROP: aclFile = path(value); return true;
                case RouterConfig.TLS_CERT_PROP: tlsCert = path(value); return true;
                case RouterConfig.TLS_KEY_PROP: tlsKey = path(value); return true;
                case RouterConfig.TLS_CA_PROP: tlsCa = path(value); return true;
                case RouterConfig.LIMIT_MSGS_PROP: messagesPerSecond = number(key, value); return true;
                case RouterConfig.LIMIT_BYTES_PROP: bytesPerSecond = number(key, value); return true;
                case RouterConfig.LIMIT_FLASH_FLOOR_PROP: flashFloorPerSecond = number(key, value); return true;
                case RouterConfig.LIMIT_SUBSCRIPTIONS_PROP: maxSubscriptions = (int)number(key, value); return true;
                case RouterConfig.IDLE_TIMEOUT_PROP: idleTimeoutMs = (int)number(key, value); return true;
                case RouterConfig.HANDSHAKE_TIMEOUT_PROP: handshakeTimeoutMs = (int)number(key, value); return true;
                case RouterConfig.MAX_CONNECTIONS_PROP: maxConnections = (int)number(key, value); return true;
                case RouterConfig.VALIDATE_BODIES_PROP:
                    if (!value.equals("true") && !value.equals("false"))
                    {
                        throw new ConfigException(key + ": '" + value + "' is not true or false");
                    }
                    validateBodies = Boolean.parseBoolean(value);
                    return true;
                default: return false;
            }
        }

        private static Path path(final String value)
        {
            return value.isEmpty() ? null : Path.of(value);
        }

        private static long number(final String key, final String value)
        {
            try
            {
                return Long.parseLong(value);
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigException(key + ": '" + value + "' is not a whole number");
            }
        }

        public Builder authMode(final AuthMode mode)
        {
            authMode = mode;
            return this;
        }

        public Builder terminalsFile(final Path file)
        {
            terminalsFile = file;
            return this;
        }

        public Builder aclFile(final Path file)
        {
            aclFile = file;
            return this;
        }

        public Builder tls(final Path cert, final Path key, final Path ca)
        {
            tlsCert = cert;
            tlsKey = key;
            tlsCa = ca;
            return this;
        }

        public Builder rateLimits(final long messagesPerSecond, final long bytesPerSecond, final long flashFloorPerSecond)
        {
            this.messagesPerSecond = messagesPerSecond;
            this.bytesPerSecond = bytesPerSecond;
            this.flashFloorPerSecond = flashFloorPerSecond;
            return this;
        }

        public Builder maxSubscriptions(final int maxSubscriptions)
        {
            this.maxSubscriptions = maxSubscriptions;
            return this;
        }

        public Builder timeouts(final int handshakeTimeoutMs, final int idleTimeoutMs)
        {
            this.handshakeTimeoutMs = handshakeTimeoutMs;
            this.idleTimeoutMs = idleTimeoutMs;
            return this;
        }

        /** Whether every envelope is parsed whole before it is accepted (default true). */
        public Builder validateBodies(final boolean validateBodies)
        {
            this.validateBodies = validateBodies;
            return this;
        }

        public Builder maxConnections(final int maxConnections)
        {
            this.maxConnections = maxConnections;
            return this;
        }

        SecuritySettings build()
        {
            if (authMode != AuthMode.NONE && terminalsFile == null)
            {
                throw new ConfigException(RouterConfig.TERMINALS_FILE_PROP + ": required when " + RouterConfig.AUTH_MODE_PROP
                    + " is " + authMode.name().toLowerCase(java.util.Locale.ROOT));
            }
            if (authMode == AuthMode.MTLS && (tlsCert == null || tlsCa == null))
            {
                throw new ConfigException(RouterConfig.TLS_CA_PROP + " and " + RouterConfig.TLS_CERT_PROP
                    + ": required when " + RouterConfig.AUTH_MODE_PROP + " is mtls");
            }
            if ((tlsCert == null) != (tlsKey == null))
            {
                throw new ConfigException(RouterConfig.TLS_CERT_PROP + " and " + RouterConfig.TLS_KEY_PROP + ": set both or neither");
            }
            if (messagesPerSecond < 0 || bytesPerSecond < 0 || flashFloorPerSecond < 1)
            {
                throw new ConfigException(RouterConfig.LIMIT_MSGS_PROP + ", " + RouterConfig.LIMIT_BYTES_PROP + " must be >= 0 (0 = off) and "
                    + RouterConfig.LIMIT_FLASH_FLOOR_PROP + " >= 1");
            }
            if (maxSubscriptions < 1 || maxSubscriptions > 100_000)
            {
                throw new ConfigException(RouterConfig.LIMIT_SUBSCRIPTIONS_PROP + ": " + maxSubscriptions + " is outside 1..100000");
            }
            if (idleTimeoutMs < 0 || handshakeTimeoutMs < 100)
            {
                throw new ConfigException(RouterConfig.IDLE_TIMEOUT_PROP + " must be >= 0 (0 = off) and "
                    + RouterConfig.HANDSHAKE_TIMEOUT_PROP + " >= 100");
            }
            if (maxConnections < 1)
            {
                throw new ConfigException(RouterConfig.MAX_CONNECTIONS_PROP + ": must be >= 1");
            }
            return new SecuritySettings(authMode, terminalsFile, aclFile, tlsCert, tlsKey, tlsCa, messagesPerSecond, bytesPerSecond,
                flashFloorPerSecond, maxSubscriptions, idleTimeoutMs, handshakeTimeoutMs, maxConnections, validateBodies);
        }
    }
}
