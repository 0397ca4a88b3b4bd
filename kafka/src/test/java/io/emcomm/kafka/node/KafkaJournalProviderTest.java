package io.emcomm.kafka.node;

import io.emcomm.router.JournalBackend;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.StartFailure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router finds the Kafka journal by {@code emcomm.journal.backend=kafka} through its ServiceLoader, with this
 * module on the class path (as the launcher has it), and names the setting when no backend of that name is there.
 * A node of a Kafka cluster with an uplink is refused before it opens anything (docs/cluster.md, "Topology").
 */
class KafkaJournalProviderTest
{
    @Test
    void theRouterFindsTheKafkaBackendByItsName()
    {
        final JournalBackend.Provider provider = JournalBackend.provider("kafka");
        assertInstanceOf(KafkaJournalProvider.class, provider);
        assertEquals("kafka", provider.name());
    }

    @Test
    void anUnknownBackendIsRefusedNamingTheSetting()
    {
        final StartFailure refused = assertThrows(StartFailure.class, () -> JournalBackend.provider("zookeeper"));
        assertTrue(refused.getMessage().startsWith("emcomm.journal.backend=zookeeper: no such journal backend"),
            refused.getMessage());
    }

    /**
     * Issue 15 item 6 / issue 16: federation is between sites; a node of a site's cluster takes no peer links (its
     * imports are not journaled through the cluster's log), so {@code --uplink} on it is one line naming both settings,
     * before the cluster (here: nobody listening) is ever asked and before the data folder gets a journal.
     */
    @Test
    void anUplinkOnAKafkaNodeIsRefusedInOneLineNamingTheSetting(@TempDir final Path dir)
    {
        final RouterConfig config = RouterConfig.loopback(dir).routerId("node-a").region("5201").kafka("127.0.0.1:1")
            .uplink("127.0.0.1:2", "province").build();
        final StartFailure refused = assertThrows(StartFailure.class, () -> Router.start(new Router.Context().config(config)));
        assertTrue(refused.getMessage().startsWith("emcomm.uplink is not supported with emcomm.journal.backend=kafka ("),
            refused.getMessage());
        assertFalse(refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
        assertFalse(Files.exists(dir.resolve("journal")), "no mirror was opened");
    }
}
