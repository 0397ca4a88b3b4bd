package io.emcomm.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** JMH finds nothing, silently, when the annotation processor did not run (JDK 23+ without the processor path). */
@Timeout(10)
class JmhBenchmarkListTest
{
    @Test
    void everyBenchmarkClassIsListed() throws Exception
    {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList"))
        {
            assertNotNull(in, "META-INF/BenchmarkList was not generated");
            final String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (final String name : new String[] {"FrameCodecBenchmark", "EnvelopeHeaderBenchmark",
                "RoutingTableBenchmark", "JournalAppendBenchmark", "PrecedenceQueueBenchmark", "ClientPublishBenchmark"})
            {
                assertTrue(list.contains("io.emcomm.bench.jmh." + name), name + " missing from the BenchmarkList");
            }
        }
    }
}
