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
                final long used = heapUsedAfterGc();
                writeHistogram();
                System.out.println(HEAP_REPLY + used);
                System.out.flush();
            }
            else if ("stop".equals(line.trim()))
            {
                return;
            }
        }
    }

    /**
     * With {@code -Demcomm.bench.histogram=PREFIX} (through emcomm.bench.childJvmArgs), writes the live class histogram
     * (jcmd GC.class_histogram) to PREFIX-1.txt, PREFIX-2.txt, ... at each heap question: what a terminal costs, by class.
     */
    private static void writeHistogram()
    {
        final String prefix = System.getProperty("emcomm.bench.histogram");
        if (prefix == null)
        {
            return;
        }
        try
        {
            final javax.management.ObjectName dcmd = new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand");
            final Object text = ManagementFactory.getPlatformMBeanServer().invoke(dcmd, "gcClassHistogram",
                new Object[] {new String[0]}, new String[] {String[].class.getName()});
            java.nio.file.Files.writeString(java.nio.file.Path.of(prefix + "-" + (++histograms) + ".txt"), String.valueOf(text));
        }
        catch (final Exception ex)
        {
            System.err.println("class histogram not written: " + ex);
        }
    }

    private static int histograms;

    private static long heapUsedAfterGc()
    {
        // Two collections: the first may only promote; what survives both is what the server holds.
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
