package io.emcomm.kafka.node;

import io.emcomm.router.JournalBackend;
import io.emcomm.router.config.StartFailure;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The router finds the Kafka journal by {@code emcomm.journal.backend=kafka} through its ServiceLoader, with this
 * module on the class path (as the launcher has it), and names the setting when no backend of that name is there.
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
}
