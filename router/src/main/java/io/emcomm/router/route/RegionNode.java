package io.emcomm.router.route;

import io.emcomm.router.route.Recipients;
import io.emcomm.router.session.Session;

/**
 * One region in the tree of region codes: the sessions registered exactly here, the command posts among
 * them, and the child regions. Arrays are replaced, never mutated, so readers on any thread walk them
 * without locks; writers hold the table's lock.
 */
final class RegionNode
{
    private static final Session[] NO_SESSIONS = new Session[0];
    private static final RegionNode[] NO_CHILDREN = new RegionNode[0];

    final String code;
    volatile Session[] members = NO_SESSIONS;
    volatile Session[] commandPosts = NO_SESSIONS;
    volatile RegionNode[] children = NO_CHILDREN;

    RegionNode(final String code)
    {
        this.code = code;
    }

    /** Adds every member of this subtree that the kind mask accepts (0 = all kinds). Recursion depth <= 5. */
    void collectSubtree(final int kindMask, final Recipients out)
    {
        for (final Session s : members)
        {
            if (kindMask == 0 || (kindMask & (1 << s.kind().getNumber())) != 0)
            {
                out.add(s);
            }
        }
        for (final RegionNode child : children)
        {
            child.collectSubtree(kindMask, out);
        }
    }

    void addChild(final RegionNode child)
    {
        children = append(children, child);
    }

    static Session[] plus(final Session[] array, final Session s)
    {
        final Session[] bigger = new Session[array.length + 1];
        System.arraycopy(array, 0, bigger, 0, array.length);
        bigger[array.length] = s;
        return bigger;
    }

    static Session[] minus(final Session[] array, final Session s)
    {
        for (int i = 0; i < array.length; i++)
        {
            if (array[i] == s)
            {
                final Session[] smaller = new Session[array.length - 1];
                System.arraycopy(array, 0, smaller, 0, i);
                System.arraycopy(array, i + 1, smaller, i, array.length - i - 1);
                return smaller;
            }
        }
        return array;
    }

    private static RegionNode[] append(final RegionNode[] array, final RegionNode n)
    {
        final RegionNode[] bigger = new RegionNode[array.length + 1];
        System.arraycopy(array, 0, bigger, 0, array.length);
        bigger[array.length] = n;
        return bigger;
    }
}
