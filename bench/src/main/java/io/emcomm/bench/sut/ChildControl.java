package io.emcomm.bench.sut;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

/**
 * The child side of {@link ChildJvm}'s line protocol: announce the port, answer heap questions, and return
 * when the harness says stop or closes stdin (so a dead harness never leaves a server behind).
 */
final class ChildControl
{
    static final String READY = "READY ";
    static final String HEAP_COMMAND = "heap";
    static final String HEAP_REPLY = "HEAP ";

    private ChildControl()
    {
    }

    /** Prints the ready line and serves commands until stdin ends. */
    static void serve(final int port) throws IOException
    {
        System.out.println(READY + port);
        System.out.flush();
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null)
        {
            if (HEAP_COMMAND.equals(line.trim()))
            {
                System.out.println(HEAP_REPLY + heapUsedAfterGc());
                System.out.flush();
            }
            else if ("stop".equals(line.trim()))
            {
                return;
            }
        }
    }

    private static long heapUsedAfterGc()
    {
        // Two collections: the first may only promote; what survives both is what the server holds.
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
