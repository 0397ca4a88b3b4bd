package io.emcomm.router.config;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * The reason a file operation failed, in the words an operator expects ("permission denied", "no such file",
 * "read-only file system"). Java's file exceptions carry the path as their message and the operating system's
 * reason only sometimes, so "cannot open X: X" is what printing {@code getMessage()} gives; this names the
 * reason instead. Control plane only.
 */
public final class FileProblem
{
    private FileProblem()
    {
    }

    /**
     * The reason for {@code ex}, lower-case and without the path.
     *
     * @param ex an exception from {@code java.nio.file} or {@code java.io}.
     * @return e.g. "permission denied", "no such file", "not a directory", "read-only file system".
     */
    public static String reason(final Exception ex)
    {
        if (ex instanceof AccessDeniedException)
        {
            return "permission denied";
        }
        if (ex instanceof NoSuchFileException)
        {
            return "no such file";
        }
        if (ex instanceof NotDirectoryException || ex instanceof FileAlreadyExistsException)
        {
            // createDirectories reports "exists but is not a directory" as FileAlreadyExistsException
            return "not a directory";
        }
        if (ex instanceof FileSystemException fs && fs.getReason() != null)
        {
            return lowerFirst(fs.getReason());
        }
        final String message = ex.getMessage();
        if (message == null || message.isBlank())
        {
            return ex.getClass().getSimpleName();
        }
        // java.io style: "/path/x (Permission denied)"
        final int open = message.lastIndexOf(" (");
        if (open >= 0 && message.endsWith(")"))
        {
            return lowerFirst(message.substring(open + 2, message.length() - 1));
        }
        return lowerFirst(message);
    }

    private static String lowerFirst(final String text)
    {
        if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && !Character.isUpperCase(text.charAt(1)))
        {
            return text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
        }
        return text;
    }
}
