package io.emcomm.router.route;

import io.emcomm.router.session.Session;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Each routing thread collects a message's sessions once, whatever its slot: the first slots' stamps live in the
 * session, later ones (many routers in one JVM, as in the test suite) in an array the session makes at their first use.
 */
class RecipientsSlotsTest
{
    @Test
    void everyRoutingThreadCollectsEachSessionOnceAndMessagesDoNotLeakIntoEachOther() throws Exception
    {
        final Session a = new Session(null, null, null, null, null, null);
        final Session b = new Session(null, null, null, null, null, null);
        final List<CompletableFuture<String>> results = new ArrayList<>();
        // more threads than the inline slots, so some use the sessions' second array
        for (int t = 0; t < 12; t++)
        {
            final CompletableFuture<String> result = new CompletableFuture<>();
            results.add(result);
            final Thread thread = new Thread(() ->
            {
                try
                {
                    final Recipients r = Recipients.forThread();
                    for (int message = 0; message < 3; message++)
                    {
                        r.begin();
                        r.exclude(b);
                        r.add(a);
                        r.add(b);
                        r.add(a);
                        if (r.size() != 1 || r.get(0) != a)
                        {
                            throw new AssertionError("message " + message + ": " + r.size() + " sessions");
                        }
                        r.forceAdd(b);
                        r.forceAdd(b);
                        if (r.size() != 2 || r.get(1) != b)
                        {
                            throw new AssertionError("message " + message + " forced: " + r.size() + " sessions");
                        }
                    }
                    result.complete("ok");
                }
                catch (final Throwable ex)
                {
                    result.completeExceptionally(ex);
                }
            });
            thread.start();
            thread.join(10_000);
        }
        for (final CompletableFuture<String> result : results)
        {
            assertEquals("ok", result.get(10, TimeUnit.SECONDS));
        }
    }
}
