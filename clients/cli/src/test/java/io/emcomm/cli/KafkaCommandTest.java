package io.emcomm.cli;

import io.emcomm.cli.CliHarness.Run;
import io.emcomm.kafka.ClusterFolderLock;
import io.emcomm.kafka.ClusterLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.emcomm.cli.CliHarness.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code emcomm kafka} (issue 15): refuses clearly, before starting anything, when a port is taken, the folder is
 * held by a running cluster, or holds a cluster of another size; and a one-broker cluster starts, prints its
 * bootstrap line, and stops its broker when the command is stopped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaCommandTest
{
    @TempDir
    Path dir;

    @Test
    void aPortInUseIsRefusedNamingIt() throws Exception
    {
        try (ServerSocket taken = new ServerSocket())
        {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            final int port = taken.getLocalPort();
            final Run r = cli("kafka", "--data", dir.toString(), "--brokers", "1", "--port", Integer.toString(port));
            assertEquals(1, r.code(), r.err());
            assertEquals("emcomm kafka: port " + port + " is in use (broker of node 1); choose other ports with --port\n", r.err());
            assertEquals("", r.out());
        }
        assertEquals("", Files.readString(dir.resolve(ClusterFolderLock.LOCK_FILE)), "the folder was let go");
    }

    @Test
    void aFolderHeldByARunningClusterIsRefused() throws Exception
    {
        try (ClusterFolderLock held = ClusterFolderLock.claim(dir))
        {
            final Run r = cli("kafka", "--data", dir.toString(), "--brokers", "1", "--port", "0");
            assertEquals(1, r.code(), r.err());
            assertEquals("emcomm kafka: data folder " + dir.toAbsolutePath() + " is in use by process " + ProcessHandle.current().pid()
                + " (a running local Kafka cluster)\n", r.err());
        }
    }

    @Test
    void aFolderOfAnotherSizeIsRefused() throws Exception
    {
        ClusterLayout.create(3, 0).write(dir);
        final Run r = cli("kafka", "--data", dir.toString(), "--brokers", "1");
        assertEquals(1, r.code(), r.err());
        assertEquals("emcomm kafka: data folder " + dir.toAbsolutePath() + " holds a 3-broker cluster; start it with --brokers 3 "
            + "or use another folder\n", r.err());
    }

    @Test
    void anotherNumberOfBrokersIsAUsageError()
    {
        final Run r = cli("kafka", "--data", dir.toString(), "--brokers", "2");
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("emcomm kafka: --brokers must be 1 or 3, was 2\n"), r.err());
        assertFalse(Files.exists(dir.resolve(ClusterFolderLock.LOCK_FILE)), "nothing was started");
    }

    @Test
    void oneBrokerStartsPrintsItsAddressAndStopsWithTheCommand() throws Exception
    {
        final CountDownLatch printed = new CountDownLatch(1);
        // the ready line (or a failure) wakes the test: no polling while the broker JVM starts on 2 cores
        final StringWriter out = new StringWriter()
        {
            @Override
            public void flush()
            {
                printed.countDown();
            }
        };
        final StringWriter err = new StringWriter();
        final AtomicInteger code = new AtomicInteger(-1);
        final Thread command = new Thread(() -> code.set(Main.run(new PrintWriter(out, true), new PrintWriter(err, true),
            "kafka", "--data", dir.toString(), "--brokers", "1", "--port", "0", "--topic-prefix", "cli.")), "cli-kafka");
        command.start();
        assertTrue(printed.await(90, TimeUnit.SECONDS), "no line after 90 s: " + text(err));
        final Matcher ready = CliHarness.awaitMatch(() -> text(out),
            Pattern.compile("kafka: 1 broker ready at 127\\.0\\.0\\.1:(\\d+) \\(data " + Pattern.quote(dir.toAbsolutePath().toString())
                + "\\)\n"));
        assertTrue(text(err).contains("kafka: formatting node 1/1\n"), text(err));
        assertTrue(text(err).contains("kafka: created cli.journal and cli.terminals\n"), text(err));
        final long pid = Long.parseLong(Files.readString(dir.resolve(ClusterFolderLock.LOCK_FILE)).trim());
        assertEquals(ProcessHandle.current().pid(), pid, "the command holds the folder");

        command.interrupt();
        command.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(command.isAlive());
        assertEquals(0, code.get(), text(err));
        assertTrue(text(out).endsWith("kafka stopped\n"), text(out));
        assertEquals("", Files.readString(dir.resolve(ClusterFolderLock.LOCK_FILE)), "the folder was let go");
        // the broker is gone: its port can be bound again
        final int port = Integer.parseInt(ready.group(1));
        try (ServerSocket again = new ServerSocket())
        {
            again.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port));
        }
    }

    private static String text(final StringWriter w)
    {
        synchronized (w.getBuffer())
        {
            return w.toString().replace("\r", "");
        }
    }
}
