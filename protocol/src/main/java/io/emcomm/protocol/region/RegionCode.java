package io.emcomm.protocol.region;

/**
 * Hierarchical administrative region codes (GB/T 2260 for province, city and county; three more digits
 * for a town and three for a village), written without trailing zero pairs so that containment is a
 * prefix match: {@code 52} (Guizhou) contains {@code 5201} (Guiyang) contains {@code 520102} (Nanming).
 *
 * <p>A valid code is all ASCII digits, 2, 4, 6, 9 or 12 long, and its last level is not all zeros.
 */
public final class RegionCode
{
    private static final int[] LEVEL_LENGTHS = {2, 4, 6, 9, 12};

    private RegionCode()
    {
    }

    /** Why the code is invalid, or null when it is valid. */
    public static String problem(final CharSequence code)
    {
        if (code == null || code.length() == 0)
        {
            return "region code is empty";
        }
        for (int i = 0; i < code.length(); i++)
        {
            final char c = code.charAt(i);
            if (c < '0' || c > '9')
            {
                return "region code '" + code + "' has a non-digit at position " + i;
            }
        }
        final int level = level(code.length());
        if (level < 0)
        {
            return "region code '" + code + "' must be 2, 4, 6, 9 or 12 digits (province, city, county, town, village)";
        }
        final int from = level == 0 ? 0 : LEVEL_LENGTHS[level - 1];
        boolean allZero = true;
        for (int i = from; i < code.length() && allZero; i++)
        {
            allZero = code.charAt(i) == '0';
        }
        if (allZero)
        {
            return "region code '" + code + "' ends in an all-zero level: write it without trailing zeros (e.g. 5201, not 520100)";
        }
        return null;
    }

    public static boolean isValid(final CharSequence code)
    {
        return problem(code) == null;
    }

    /** 0 for a province, 1 city, 2 county, 3 town, 4 village; -1 for an invalid length. */
    public static int level(final int length)
    {
        for (int i = 0; i < LEVEL_LENGTHS.length; i++)
        {
            if (LEVEL_LENGTHS[i] == length)
            {
                return i;
            }
        }
        return -1;
    }

    /** The code of the enclosing region, or null for a province. */
    public static String parent(final String code)
    {
        final int level = level(code.length());
        return level <= 0 ? null : code.substring(0, LEVEL_LENGTHS[level - 1]);
    }

    /** True when {@code inner} is {@code outer} or lies in its subtree. */
    public static boolean contains(final String outer, final String inner)
    {
        return inner.startsWith(outer);
    }

    /** The codes of every level from the province down to and including {@code code}. */
    public static String[] chain(final String code)
    {
        final int level = level(code.length());
        final String[] chain = new String[level + 1];
        for (int i = 0; i <= level; i++)
        {
            chain[i] = code.substring(0, LEVEL_LENGTHS[i]);
        }
        return chain;
    }
}
