package io.emcomm.router.config;

/** A configuration value that is missing or invalid; the message names the key and the problem. */
public final class ConfigException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    public ConfigException(final String message)
    {
        super(message);
    }
}
