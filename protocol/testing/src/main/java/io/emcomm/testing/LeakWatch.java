package io.emcomm.testing;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Fails a test class when Netty's leak detector reported a leaked buffer during it. Tests run with
 * -Dio.netty.leakDetection.level=paranoid; the detector only logs "LEAK:" lines, which this appender
 * (registered in logback-test.xml) collects.
 */
public final class LeakWatch extends AppenderBase<ILoggingEvent> implements AfterAllCallback
{
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    @Override
    protected void append(final ILoggingEvent event)
    {
        final String message = event.getFormattedMessage();
        if (message != null && message.contains("LEAK:"))
        {
            LEAKS.add(message);
        }
    }

    @Override
    public void afterAll(final ExtensionContext context)
    {
        // Leaks are reported when a leaked buffer has been collected and a later allocation polls the queue.
        for (int i = 0; i < 3; i++)
        {
            System.gc();
            for (int j = 0; j < 200; j++)
            {
                final ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                b.release();
            }
        }
        if (!LEAKS.isEmpty())
        {
            final String first = LEAKS.get(0);
            LEAKS.clear();
            throw new AssertionError("Netty reported a buffer leak: " + first);
        }
    }
}
