package io.emcomm.kafka;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The main class of a broker process: {@code kafka.Kafka}, plus a watch on the parent. The parent
 * ({@link LocalKafkaCluster}) keeps the child's standard input open; when it reads end-of-file the parent is gone
 * (stopped, crashed, or killed with SIGKILL, which runs no cleanup), and the broker shuts down rather than being
 * left holding the data folder's ports and log directories with nobody to stop it. If Kafka's orderly shutdown
 * has not ended the process {@value #HALT_AFTER_SECONDS} s later (a combined node can wait on a quorum that left
 * with it), it is halted.
 */
public final class BrokerMain
{
    /** How long an orderly shutdown after the parent left may take before the process is halted. */
    static final int HALT_AFTER_SECONDS = 30;

    private BrokerMain()
    {
    }

    /**
     * Starts the broker.
     *
     * @param args {@code node.properties}, as for {@code kafka.Kafka}
     * @throws Exception whatever {@code kafka.Kafka} throws
     */
    public static void main(final String[] args) throws Exception
    {
        final Thread watch = new Thread(BrokerMain::watchParent, "emcomm-parent-watch");
        watch.setDaemon(true);
        watch.start();
        kafka.Kafka.main(args);
    }

    private static void watchParent()
    {
        try
        {
            while (System.in.read() >= 0)
            {
                // the parent writes nothing; anything read is ignored
            }
        }
        catch (final IOException ignore)
        {
            // a broken pipe is the parent gone too
        }
        final Thread halt = new Thread(() ->
        {
            try
            {
                new CountDownLatch(1).await(HALT_AFTER_SECONDS, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ignore)
            {
                // halt now
            }
            Runtime.getRuntime().halt(1);
        }, "emcomm-halt-deadline");
        halt.setDaemon(true);
        halt.start();
        System.exit(0);
    }
}
