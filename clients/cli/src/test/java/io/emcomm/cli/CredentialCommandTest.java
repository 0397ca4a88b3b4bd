package io.emcomm.cli;

import io.emcomm.router.security.TokenHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code emcomm credential}: the printed token verifies against the printed registry line, and only there. */
@Timeout(30)
class CredentialCommandTest
{
    @Test
    void theTokenVerifiesAgainstTheRegistryLineWhichDoesNotContainIt()
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        assertEquals(0, Main.run(new PrintWriter(out), new PrintWriter(err), "credential", "--id", "uav-1", "--kind", "air",
            "--region", "520102"));
        final String[] lines = out.toString().split("\n");
        final String token = lines[0].substring(lines[0].lastIndexOf(' ') + 1).strip();
        final String[] entry = lines[2].strip().split(" ");
        assertEquals("uav-1", entry[0]);
        assertEquals("air", entry[1]);
        assertEquals("520102", entry[2]);
        assertTrue(TokenHash.verify(entry[3], token));
        assertFalse(TokenHash.verify(entry[3], token + "x"));
        assertFalse(lines[2].contains(token), "the registry line holds only the hash");
    }

    @Test
    void aBadRegionIsAUsageError()
    {
        final StringWriter err = new StringWriter();
        assertEquals(2, Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "credential", "--id", "x", "--kind",
            "air", "--region", "5x"));
        assertTrue(err.toString().contains("5x"), err.toString());
    }
}
