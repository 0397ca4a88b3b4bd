package io.emcomm.router.security;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.address.Destination;
import io.emcomm.router.config.ConfigException;
import io.emcomm.router.delivery.EnvelopeBodies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link AccessPolicy} by direct calls: parsing a policy (and each kind of bad line, named with its line),
 * the bodies a publisher may send to each destination, subscriptions, and the built-in policies
 * (docs/security.md section 3).
 */
final class AccessPolicyTest
{
    private static final TerminalKind GROUND = TerminalKind.GROUND;
    private static final TerminalKind CP = TerminalKind.COMMAND_POST;

    private static int bits(final int... bodyFields)
    {
        int mask = 0;
        for (final int f : bodyFields)
        {
            mask |= AccessPolicy.bodyBit(f);
        }
        return mask;
    }

    private static Address address(final String text) throws Exception
    {
        return Destination.parse(text).address();
    }

    private static int mask(final AccessPolicy policy, final String id, final TerminalKind kind, final String region,
        final String to) throws Exception
    {
        return policy.publishMask(id, kind, region, address(to));
    }

    /** The message of the ConfigException parsing {@code text} throws. */
    private static String problem(final String text)
    {
        return assertThrows(ConfigException.class, () -> AccessPolicy.parse(text, "acl.txt")).getMessage();
    }

    @Test
    void parsesAGoodFileWithCommentsAndBlankLines(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("acl.txt");
        Files.writeString(file, String.join("\n",
            "# field teams",
            "",
            "   allow terminal:hh-9 publish terminal:cp-1 text",
            "allow region:5201 publish region:5201 alert,text",
            "allow kind:air publish channel:flood.> position",
            "allow * subscribe channel:flood.>",
            "allow kind:cp publish *",
            ""));
        final AccessPolicy policy = AccessPolicy.load(file);

        assertEquals(file.toString(), policy.source());
        final int none = AccessPolicy.bodyBit(0);
        assertEquals(bits(EnvelopeBodies.TEXT) | none, mask(policy, "hh-9", GROUND, "520102", "terminal:cp-1"));
        assertEquals(0, mask(policy, "hh-9", GROUND, "520102", "terminal:cp-2"));
        assertEquals(bits(EnvelopeBodies.ALERT, EnvelopeBodies.TEXT) | none,
            mask(policy, "hh-1", GROUND, "520102", "region:520102"), "region subject and target are subtrees");
        assertEquals(0, mask(policy, "hh-1", GROUND, "520102", "region:52"), "the province is outside region:5201");
        assertEquals(0, mask(policy, "hh-1", GROUND, "5202", "region:5201"), "a terminal outside the subject's subtree");
        assertEquals(bits(EnvelopeBodies.POSITION) | none, mask(policy, "uav", TerminalKind.AIR, "52", "channel:flood.5201"));
        assertEquals(0, mask(policy, "uav", TerminalKind.AIR, "52", "channel:fire.5201"));
        assertEquals(AccessPolicy.ALL_BODIES, mask(policy, "cp-1", CP, "52", "region:53/air"), "'*' target, all bodies");
        assertTrue(policy.maySubscribe("x", GROUND, "52", "flood.5201.rescue"));
        assertTrue(policy.maySubscribe("x", GROUND, "52", "flood.*"));
        assertFalse(policy.maySubscribe("x", GROUND, "52", ">"), "flood.> does not cover >");
        assertFalse(policy.maySubscribe("x", GROUND, "52", "fire.x"));
    }

    @Test
    void rulesAddUpAndEverythingElseIsDenied() throws Exception
    {
        final AccessPolicy policy = AccessPolicy.parse(String.join("\n",
            "allow * publish terminal:* text",
            "allow kind:ground publish terminal:* position"), "two rules");

        assertEquals(bits(EnvelopeBodies.TEXT, EnvelopeBodies.POSITION) | AccessPolicy.bodyBit(0),
            mask(policy, "g", GROUND, "52", "terminal:x"));
        assertEquals(bits(EnvelopeBodies.TEXT) | AccessPolicy.bodyBit(0), mask(policy, "c", CP, "52", "terminal:x"));
        assertEquals(0, mask(policy, "g", GROUND, "52", "channel:a"));
        assertEquals(0, mask(policy, "g", GROUND, "52", "up:52"));
        assertFalse(policy.maySubscribe("g", GROUND, "52", "a"), "no subscribe rule: no subscription");
        assertEquals(0, AccessPolicy.parse("# nothing allowed\n", "empty").publishMask("g", GROUND, "52", address("terminal:x")));
    }

    @Test
    void upTargetsOwnChainOrAnyChain() throws Exception
    {
        final AccessPolicy policy = AccessPolicy.parse(String.join("\n",
            "allow * publish up:{own} alert",
            "allow terminal:cp-1 publish up:*"), "up");

        final int alert = bits(EnvelopeBodies.ALERT) | AccessPolicy.bodyBit(0);
        assertEquals(alert, mask(policy, "hh", GROUND, "520102", "up:520102"), "own region");
        assertEquals(alert, mask(policy, "hh", GROUND, "520102", "up:520102001"), "below its own region");
        assertEquals(0, mask(policy, "hh", GROUND, "520102", "up:5201"), "above its own region");
        assertEquals(0, mask(policy, "hh", GROUND, "520102", "up:520103"), "a sibling's chain");
        assertEquals(AccessPolicy.ALL_BODIES, mask(policy, "cp-1", CP, "520102", "up:53"));
    }

    @Test
    void defaultPolicyWhenAuthenticatingWithoutAnAclFile() throws Exception
    {
        final AccessPolicy policy = AccessPolicy.parse(AccessPolicy.DEFAULT_RULES, "the default policy");
        final String village = "520102001001";
        final int none = AccessPolicy.bodyBit(0);

        // a village handheld reports up its own chain and talks to terminals ...
        assertEquals(bits(EnvelopeBodies.POSITION, EnvelopeBodies.TEXT, EnvelopeBodies.INCIDENT, EnvelopeBodies.ALERT,
            EnvelopeBodies.RECEIPT) | none, mask(policy, "hh-9", GROUND, village, "up:" + village));
        assertEquals(bits(EnvelopeBodies.POSITION, EnvelopeBodies.TEXT, EnvelopeBodies.INCIDENT, EnvelopeBodies.RECEIPT) | none,
            mask(policy, "hh-9", GROUND, village, "terminal:cp-1"));
        assertEquals(bits(EnvelopeBodies.POSITION, EnvelopeBodies.TEXT, EnvelopeBodies.INCIDENT) | none,
            mask(policy, "hh-9", GROUND, village, "channel:flood.5201"));
        // ... but may not alert the province, send a task, or address a region
        assertEquals(0, mask(policy, "hh-9", GROUND, village, "region:52"));
        assertEquals(0, mask(policy, "hh-9", GROUND, village, "region:" + village));
        assertEquals(0, mask(policy, "hh-9", GROUND, village, "terminal:cp-1") & AccessPolicy.bodyBit(EnvelopeBodies.TASK));
        assertEquals(0, mask(policy, "hh-9", GROUND, village, "terminal:cp-1") & AccessPolicy.bodyBit(EnvelopeBodies.ALERT));
        assertEquals(0, mask(policy, "hh-9", GROUND, village, "up:520102"), "up from above its own region");
        // command posts send anything to terminals, their own region, any chain and channels
        assertEquals(AccessPolicy.ALL_BODIES, mask(policy, "cp-1", CP, "5201", "terminal:hh-9"));
        assertEquals(AccessPolicy.ALL_BODIES, mask(policy, "cp-1", CP, "5201", "region:520102/ground"));
        assertEquals(AccessPolicy.ALL_BODIES, mask(policy, "cp-1", CP, "5201", "up:53"));
        assertEquals(AccessPolicy.ALL_BODIES, mask(policy, "cp-1", CP, "5201", "channel:a.b"));
        assertEquals(0, mask(policy, "cp-1", CP, "5201", "region:52"), "not outside its own region");
        assertTrue(policy.maySubscribe("hh-9", GROUND, village, ">"));
    }

    @Test
    void allowAllWhenNotAuthenticating() throws Exception
    {
        for (final String to : new String[] {"terminal:x", "region:52", "up:5201", "channel:a.b", "region:53/air"})
        {
            assertEquals(AccessPolicy.ALL_BODIES, mask(AccessPolicy.ALLOW_ALL, "g", GROUND, "5201", to), to);
        }
        assertTrue(AccessPolicy.ALLOW_ALL.maySubscribe("g", GROUND, "5201", ">"));
    }

    @Test
    void bodyBitsAndNames()
    {
        assertEquals(1, AccessPolicy.bodyBit(EnvelopeBodies.POSITION));
        assertEquals(1 << 5, AccessPolicy.bodyBit(EnvelopeBodies.RECEIPT));
        assertEquals(1 << 6, AccessPolicy.bodyBit(0), "no body");
        assertEquals(1 << 6, AccessPolicy.bodyBit(99), "an unknown field counts as no body");
        assertEquals("alert", AccessPolicy.bodyName(EnvelopeBodies.ALERT));
        assertEquals("empty", AccessPolicy.bodyName(0));
        assertEquals(AccessPolicy.ALL_BODIES, bits(20, 21, 22, 23, 24, 25, 0));
    }

    @Test
    void badLinesAreNamedWithTheirLineNumber()
    {
        final String good = "allow * publish terminal:*\n# comment\n\n";
        // lines 1-3 are good; the bad one is line 4
        assertTrue(problem(good + "deny * publish terminal:*").startsWith("acl.txt line 4: expected 'allow SUBJECT"));
        assertTrue(problem(good + "allow * publish").startsWith("acl.txt line 4: expected"), "too few fields");
        assertTrue(problem(good + "allow * publish terminal:* text extra").startsWith("acl.txt line 4: expected"),
            "too many fields");
        assertTrue(problem(good + "allow * send terminal:*").startsWith("acl.txt line 4: action must be publish or subscribe"));
        assertTrue(problem(good + "allow group:x publish terminal:*").startsWith("acl.txt line 4: subject must be"));
        assertTrue(problem(good + "allow region:5200 publish terminal:*").startsWith("acl.txt line 4: subject must be"),
            "a region code with a zero last level");
        assertTrue(problem(good + "allow terminal:a/b publish terminal:*").startsWith("acl.txt line 4: subject must be"));
        assertTrue(problem(good + "allow kind:boat publish terminal:*").startsWith("acl.txt line 4: "), "unknown kind");
        assertTrue(problem(good + "allow * publish group:x").startsWith("acl.txt line 4: unknown publish target 'group:x'"));
        assertTrue(problem(good + "allow * publish region:123").startsWith("acl.txt line 4: unknown publish target"));
        assertTrue(problem(good + "allow * publish channel:Flood").startsWith("acl.txt line 4: "), "a bad channel pattern");
        assertTrue(problem(good + "allow * subscribe terminal:*").startsWith("acl.txt line 4: subscribe rules name channel:"));
        final String body = problem(good + "allow * publish terminal:* text,video");
        assertTrue(body.startsWith("acl.txt line 4: unknown body 'video'"), body);
    }

    @Test
    void unreadableFileIsAConfigProblemNamingIt(@TempDir final Path dir)
    {
        final Path missing = dir.resolve("missing-acl.txt");
        final ConfigException ex = assertThrows(ConfigException.class, () -> AccessPolicy.load(missing));
        assertTrue(ex.getMessage().contains(missing.toString()), ex.getMessage());
    }
}
