package io.emcomm.bench.sut;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How connections are spread over loopback source addresses, and what the harness says about file limits. */
class IdleConnectionsPlanTest
{
    @Test
    void connectionsFillOneSourceAddressAfterTheOther()
    {
        final IdleConnections.Plan plan = IdleConnections.Plan.of(100_000);
        assertEquals(4, plan.sourceAddresses());
        assertEquals("127.0.0.1", plan.sourceOf(0).getAddress().getHostAddress());
        assertEquals("127.0.0.1", plan.sourceOf(24_999).getAddress().getHostAddress());
        assertEquals("127.0.0.2", plan.sourceOf(25_000).getAddress().getHostAddress());
        assertEquals("127.0.0.4", plan.sourceOf(99_999).getAddress().getHostAddress());
        assertEquals(0, plan.sourceOf(99_999).getPort(), "the kernel picks the source port");
        assertEquals(2, new IdleConnections.Plan(200, 100, null).sourceAddresses());
        assertEquals(1, IdleConnections.Plan.of(25_000).sourceAddresses());
        assertThrows(IllegalArgumentException.class, () -> new IdleConnections.Plan(10, 0, null));
    }

    @Test
    void aLimitAlreadyHighEnoughIsKeptAndOneBeyondTheKernelsIsReportedInOneLine()
    {
        assertNull(ServerLimits.raiseOpenFiles(16));
        // above fs.nr_open (at most 2^30 on Linux): no one may raise the limit that far, root included
        final String problem = ServerLimits.raiseOpenFiles(1L << 31);
        assertTrue(problem != null && problem.startsWith("cannot raise the open-file limit to 2147483648"), problem);
        assertTrue(!problem.contains("\n"), problem);
    }
}
