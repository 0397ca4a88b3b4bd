package io.emcomm.router.config;

import java.util.Locale;

/** How a terminal proves who it is at HELLO. */
public enum AuthMode
{
    /** Anyone may log in as anything: for a closed test network only. */
    NONE,
    /** Hello.credential carries the terminal's secret token, checked against its salted hash in the registry. */
    TOKEN,
    /** TLS with a client certificate: the certificate's CN is the terminal id. */
    MTLS;

    public static AuthMode parse(final String text)
    {
        return valueOf(text.toUpperCase(Locale.ROOT));
    }
}
