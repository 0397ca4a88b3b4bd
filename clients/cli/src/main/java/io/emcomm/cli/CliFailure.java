package io.emcomm.cli;

/**
 * A failure the user can understand and fix (router unreachable, message rejected, bad file): printed as
 * one line on stderr, exit code 1, no stack trace.
 */
final class CliFailure extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    CliFailure(final String message)
    {
        super(message, null, false, false);
    }
}
