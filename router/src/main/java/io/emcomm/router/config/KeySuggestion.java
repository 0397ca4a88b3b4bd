package io.emcomm.router.config;

import java.util.Collection;

/**
 * The known name nearest to a misspelt one, by edit distance (Levenshtein: insertions, deletions and
 * substitutions of one character each cost 1). Twenty lines here rather than a text library in the router's
 * jar for one call at start-up.
 */
final class KeySuggestion
{
    private KeySuggestion()
    {
    }

    /**
     * @return the candidate nearest to {@code name}, or null when none is close enough to be a likely typo
     *         (more than a third of the name's characters, and at least 2, would have to change).
     */
    static String nearest(final String name, final Collection<String> candidates)
    {
        final int limit = Math.max(2, name.length() / 3);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String candidate : candidates)
        {
            final int d = distance(name, candidate);
            if (d < bestDistance || (d == bestDistance && best != null && candidate.compareTo(best) < 0))
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /** Levenshtein distance, two rows. */
    static int distance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
