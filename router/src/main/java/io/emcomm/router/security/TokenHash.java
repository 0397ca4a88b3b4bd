package io.emcomm.router.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Terminal tokens and how they are stored. A token is 32 random bytes (base64url, 43 characters), so a
 * salted SHA-256 is enough to store it safely: unlike a password it cannot be guessed, and checking it costs
 * microseconds, which matters when a whole district's terminals reconnect at once. Stored form:
 * {@code sha256$<salt base64>$<hash base64>}.
 */
public final class TokenHash
{
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "sha256$";

    private TokenHash()
    {
    }

    /** A new random token. */
    public static String newToken()
    {
        final byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored form of a token, with a fresh salt. */
    public static String hash(final String token)
    {
        final byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return PREFIX + Base64.getEncoder().encodeToString(salt) + '$' + Base64.getEncoder().encodeToString(digest(salt, token));
    }

    /** True when the stored form was made from this token. Constant time in the token. */
    public static boolean verify(final String stored, final String token)
    {
        if (stored == null || token == null || !stored.startsWith(PREFIX))
        {
            return false;
        }
        final String[] parts = stored.substring(PREFIX.length()).split("\\$");
        if (parts.length != 2)
        {
            return false;
        }
        try
        {
            final byte[] salt = Base64.getDecoder().decode(parts[0]);
            final byte[] expected = Base64.getDecoder().decode(parts[1]);
            return MessageDigest.isEqual(expected, digest(salt, token));
        }
        catch (final IllegalArgumentException ex)
        {
            return false;
        }
    }

    /** True when the text is a stored form this class can check. */
    public static boolean isStoredForm(final String text)
    {
        return text.startsWith(PREFIX) && text.substring(PREFIX.length()).split("\\$").length == 2;
    }

    private static byte[] digest(final byte[] salt, final String token)
    {
        try
        {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(token.getBytes(StandardCharsets.UTF_8));
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is missing from this JDK", ex);
        }
    }
}
