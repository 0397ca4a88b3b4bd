package io.emcomm.client;

import io.emcomm.protocol.wire.ErrorCode;

/**
 * A failure of the client or of its session: the router could not be reached, refused the terminal, the
 * client was closed with requests outstanding, or a request was refused.
 */
public class EmcommException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final ErrorCode errorCode;

    public EmcommException(final String message)
    {
        this(message, ErrorCode.ERROR_CODE_UNSPECIFIED, null);
    }

    public EmcommException(final String message, final Throwable cause)
    {
        this(message, ErrorCode.ERROR_CODE_UNSPECIFIED, cause);
    }

    /**
     * An error with the router's ERROR code (protocol.md section 8), or {@code ERROR_CODE_UNSPECIFIED} for a local
     * failure.
     */
    public EmcommException(final String message, final ErrorCode errorCode, final Throwable cause)
    {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** The router's error code when the router reported the failure, else ERROR_CODE_UNSPECIFIED. */
    public ErrorCode errorCode()
    {
        return errorCode;
    }
}
