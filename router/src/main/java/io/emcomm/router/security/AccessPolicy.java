package io.emcomm.router.security;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.region.RegionCode;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.config.ConfigException;
import io.emcomm.router.config.FileProblem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Who may publish what to which addresses, and subscribe to which channels. Deny by default: a request is
 * allowed only when a rule allows it. Rules, one per line ({@code #} comments):
 * <pre>
 *   allow SUBJECT publish TARGET [BODIES]
 *   allow SUBJECT subscribe channel:PATTERN
 * </pre>
 * SUBJECT: {@code *}, {@code kind:<kind>}, {@code terminal:<id>} or {@code region:<code>} (terminals registered
 * in that subtree). TARGET: {@code terminal:*}, {@code terminal:<id>}, {@code channel:<pattern>},
 * {@code region:<code>} (region addresses inside that subtree), {@code region:{own}} (inside the publisher's own
 * region), {@code up:*} or {@code up:{own}} (up the chain from the publisher's own region or below it), or
 * {@code *}. BODIES: a comma list of position, text, alert, incident, task, receipt (default: all).
 *
 * <p>Immutable and thread-safe; evaluated once per (session, destination) and cached by {@link AccessCache}.
 */
public final class AccessPolicy
{
    /** Bit per envelope body: 1 << (body field - 20); bit 6 is "no body". */
    public static final int ALL_BODIES = 0x7F;

    private static final String[] BODY_NAMES = {"position", "text", "alert", "incident", "task", "receipt"};

    private record Rule(String subject, boolean publish, String target, int bodies, int line)
    {
    }

    /** A policy that allows everything (authentication off and no ACL file). */
    public static final AccessPolicy ALLOW_ALL = new AccessPolicy(List.of(new Rule("*", true, "*", ALL_BODIES, 0),
        new Rule("*", false, "channel:>", ALL_BODIES, 0)), "allow-all");

    /** The policy used when authentication is on and no ACL file is given (docs/security.md). */
    public static final String DEFAULT_RULES = String.join("\n",
        "allow * publish terminal:* position,text,incident,receipt",
        "allow * publish up:{own} position,text,incident,alert,receipt",
        "allow * publish channel:> position,text,incident",
        "allow * subscribe channel:>",
        "allow kind:command-post publish terminal:*",
        "allow kind:command-post publish region:{own}",
        "allow kind:command-post publish up:*",
        "allow kind:command-post publish channel:>");

    private final List<Rule> rules;
    private final String source;

    private AccessPolicy(final List<Rule> rules, final String source)
    {
        this.rules = rules;
        this.source = source;
    }

    /**
     * Reads an access policy file (docs/security.md).
     * @throws io.emcomm.router.config.ConfigException naming the file and line of a problem
     */
    public static AccessPolicy load(final Path file)
    {
        try
        {
            return parse(Files.readString(file), file.toString());
        }
        catch (final IOException ex)
        {
            throw new ConfigException("cannot read the ACL file " + file + ": " + FileProblem.reason(ex));
        }
    }

    /**
     * Parses access policy text; {@code source} names it in errors.
     * @throws io.emcomm.router.config.ConfigException naming the source and line of a problem
     */
    public static AccessPolicy parse(final String text, final String source)
    {
        final List<Rule> rules = new ArrayList<>();
        final String[] lines = text.split("\n");
        for (int n = 0; n < lines.length; n++)
        {
            final String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#"))
            {
                continue;
            }
            final String where = source + " line " + (n + 1) + ": ";
            final String[] f = line.split("\\s+");
            if (f.length < 4 || f.length > 5 || !f[0].equals("allow"))
            {
                throw new ConfigException(where + "expected 'allow SUBJECT publish|subscribe TARGET [BODIES]', got '" + line + "'");
            }
            checkSubject(f[1], where);
            final boolean publish;
            switch (f[2])
            {
                case "publish": publish = true; break;
                case "subscribe": publish = false; break;
                default: throw new ConfigException(where + "action must be publish or subscribe, not '" + f[2] + "'");
            }
            checkTarget(f[3], publish, where);
            rules.add(new Rule(f[1], publish, f[3], f.length == 5 ? bodies(f[4], where) : ALL_BODIES, n + 1));
        }
        return new AccessPolicy(List.copyOf(rules), source);
    }

    public String source()
    {
        return source;
    }

    private static void checkSubject(final String subject, final String where)
    {
        try
        {
            if (subject.equals("*"))
            {
                return;
            }
            if (subject.startsWith("kind:"))
            {
                Address.parseKind(subject.substring(5));
                return;
            }
            if (subject.startsWith("terminal:") && Address.isValidTerminalId(subject.substring(9)))
            {
                return;
            }
            if (subject.startsWith("region:") && RegionCode.isValid(subject.substring(7)))
            {
                return;
            }
        }
        catch (final AddressException ex)
        {
            throw new ConfigException(where + ex.getMessage());
        }
        throw new ConfigException(where + "subject must be *, kind:<kind>, terminal:<id> or region:<code>, not '" + subject + "'");
    }

    private static void checkTarget(final String target, final boolean publish, final String where)
    {
        try
        {
            if (target.startsWith("channel:"))
            {
                ChannelPattern.parse(target.substring(8));
                return;
            }
            if (!publish)
            {
                throw new ConfigException(where + "subscribe rules name channel:<pattern>, not '" + target + "'");
            }
            if (target.equals("*") || target.equals("terminal:*") || target.equals("up:*") || target.equals("up:{own}")
                || target.equals("region:{own}"))
            {
                return;
            }
            if (target.startsWith("terminal:") && Address.isValidTerminalId(target.substring(9)))
            {
                return;
            }
            if (target.startsWith("region:") && RegionCode.isValid(target.substring(7)))
            {
                return;
            }
        }
        catch (final AddressException ex)
        {
            throw new ConfigException(where + ex.getMessage());
        }
        throw new ConfigException(where + "unknown publish target '" + target + "'");
    }

    private static int bodies(final String list, final String where)
    {
        int mask = 0;
        for (final String name : list.split(","))
        {
            final int i = java.util.Arrays.asList(BODY_NAMES).indexOf(name.toLowerCase(Locale.ROOT));
            if (i < 0)
            {
                throw new ConfigException(where + "unknown body '" + name + "' (position, text, alert, incident, task, receipt)");
            }
            mask |= 1 << i;
        }
        return mask | 1 << 6;
    }

    /** The bit of an envelope body field number (20..25), or of "no body" for 0. */
    public static int bodyBit(final int bodyField)
    {
        return bodyField >= 20 && bodyField <= 25 ? 1 << (bodyField - 20) : 1 << 6;
    }

    public static String bodyName(final int bodyField)
    {
        return bodyField >= 20 && bodyField <= 25 ? BODY_NAMES[bodyField - 20] : "empty";
    }

    /** The bodies this terminal may publish to the address, as a mask of {@link #bodyBit}s; 0 = none. */
    public int publishMask(final String terminalId, final TerminalKind kind, final String region, final Address address)
    {
        int mask = 0;
        for (final Rule r : rules)
        {
            if (r.publish && subjectMatches(r.subject, terminalId, kind, region) && targetMatches(r.target, region, address))
            {
                mask |= r.bodies;
            }
        }
        return mask;
    }

    /** True when the terminal may subscribe to the channel pattern. */
    public boolean maySubscribe(final String terminalId, final TerminalKind kind, final String region, final String pattern)
    {
        for (final Rule r : rules)
        {
            if (!r.publish && subjectMatches(r.subject, terminalId, kind, region) && covers(r.target.substring(8), pattern))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean subjectMatches(final String subject, final String id, final TerminalKind kind, final String region)
    {
        if (subject.equals("*"))
        {
            return true;
        }
        if (subject.startsWith("kind:"))
        {
            try
            {
                return Address.parseKind(subject.substring(5)) == kind;
            }
            catch (final AddressException ex)
            {
                return false;
            }
        }
        if (subject.startsWith("terminal:"))
        {
            return subject.substring(9).equals(id);
        }
        return region.startsWith(subject.substring(7));
    }

    private static boolean targetMatches(final String target, final String region, final Address address)
    {
        if (target.equals("*"))
        {
            return true;
        }
        final String value = address.value();
        switch (address.scheme())
        {
            case TERMINAL:
                return target.equals("terminal:*") || target.equals("terminal:" + value);
            case CHANNEL:
                if (!target.startsWith("channel:"))
                {
                    return false;
                }
                try
                {
                    return ChannelPattern.parse(target.substring(8)).matches(value);
                }
                catch (final AddressException ex)
                {
                    return false;
                }
            case REGION:
                return target.equals("region:{own}") ? value.startsWith(region)
                    : target.startsWith("region:") && !target.endsWith("}") && value.startsWith(target.substring(7));
            case UP:
                return target.equals("up:*") || (target.equals("up:{own}") && value.startsWith(region));
            default:
                return false;
        }
    }

    /** True when every channel the requested pattern can match is matched by the allowed pattern. */
    static boolean covers(final String allowed, final String requested)
    {
        final String[] a = allowed.split("\\.");
        final String[] r = requested.split("\\.");
        for (int i = 0; i < r.length; i++)
        {
            if (i >= a.length)
            {
                return false;
            }
            if (a[i].equals(">"))
            {
                return true;
            }
            if (r[i].equals(">"))
            {
                return false;
            }
            if (!a[i].equals("*") && !a[i].equals(r[i]))
            {
                return false;
            }
        }
        return a.length == r.length;
    }
}
