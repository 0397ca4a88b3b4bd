package io.emcomm.router.admin;

import io.emcomm.router.Router;
import io.emcomm.testing.AdminHttp;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The bodies of /health and /ready, byte for byte: load balancers and operators' scripts match on them
 * (docs/operations.md). The 503 body of /ready ({@code ready}, {@code reason}) is RetentionTest's.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class AdminBodiesTest
{
    @TempDir
    Path dir;

    @Test
    void healthAndReadyBodies() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            final AdminHttp.Response health = AdminHttp.get(router.adminPort(), "/health");
            assertEquals(200, health.status());
            assertEquals("{\"status\":\"UP\"}\n", health.body());
            final AdminHttp.Response ready = AdminHttp.get(router.adminPort(), "/ready");
            assertEquals(200, ready.status());
            assertEquals("{\"ready\":true}\n", ready.body());
        }
    }
}
