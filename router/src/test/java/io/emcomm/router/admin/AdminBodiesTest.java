package io.emcomm.router.admin;

import io.emcomm.router.Router;
import io.emcomm.testing.AdminHttp;
import io.emcomm.testing.LeakWatch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bodies of /health and /ready, byte for byte: load balancers and operators' scripts match on them
 * (docs/operations.md); and a Chronicle router's status has no {@code cluster}. The 503 body of /ready ({@code ready}, {@code reason}) is RetentionTest's.
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

    /** The {@code cluster} object and the {@code emcomm_cluster_*} meters are a Kafka node's (issue 15), not this router's. */
    @Test
    void aChronicleRouterHasNoClusterInItsStatusOrMetrics() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            final AdminHttp.Response status = AdminHttp.get(router.adminPort(), "/status");
            assertEquals(200, status.status());
            final JsonNode json = new ObjectMapper().readTree(status.body());
            assertFalse(json.has("cluster"), status.body());
            assertTrue(json.get("journal").has("retention_deleted_files"), "retention runs on a Chronicle journal");
            final String scrape = AdminHttp.get(router.adminPort(), "/metrics").body();
            assertFalse(scrape.contains("emcomm_cluster_"), scrape);
            assertTrue(scrape.contains("emcomm_journal_files"), scrape);
        }
    }
}
