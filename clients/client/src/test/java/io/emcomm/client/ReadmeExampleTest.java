package io.emcomm.client;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.Router;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Java client" example, as written there (port aside), against a real router. */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class ReadmeExampleTest
{
    @TempDir
    Path dir;

    @Test
    void theReadmeExampleRuns() throws Exception
    {
        final BlockingQueue<String> printed = new LinkedBlockingQueue<>();
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            // ---- as in the README, with println captured
            ClientOptions options = ClientOptions.builder()
                .router("127.0.0.1", router.port())
                .terminal("cp-520102", TerminalKind.COMMAND_POST, "520102")
                .deliveryListener(d -> printed.add(d.origin() + " " + d.precedence() + ": " + d.envelope().getText().getText()))
                .build();
            try (EmcommClient client = EmcommClient.connect(options))
            {
                client.subscribe("flood.>").get();
                PublishResult r = client.publish(Message.text("pumps needed at Nanming")
                    .to("up:520102", "terminal:cp-520102")
                    .precedence(Precedence.IMMEDIATE)
                    .ttl(Duration.ofHours(2))).get();
                printed.add("journaled at index " + r.journalIndex());
                // ---- end of the README's example
                assertTrue(r.journalIndex() > 0);
                final String first = printed.poll(10, TimeUnit.SECONDS);
                final String second = printed.poll(10, TimeUnit.SECONDS);
                assertTrue(("journaled at index " + r.journalIndex()).equals(first)
                    || ("journaled at index " + r.journalIndex()).equals(second), first + " / " + second);
                assertTrue("cp-520102 IMMEDIATE: pumps needed at Nanming".equals(first)
                    || "cp-520102 IMMEDIATE: pumps needed at Nanming".equals(second), first + " / " + second);
                assertEquals(null, printed.poll());
            }
        }
    }
}
