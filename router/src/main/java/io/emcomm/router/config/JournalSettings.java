package io.emcomm.router.config;

import java.nio.file.Path;

import static io.emcomm.router.config.Settings.DATA;
import static io.emcomm.router.config.Settings.JOURNAL_BACKEND;
import static io.emcomm.router.config.Settings.JOURNAL_SYNC;
import static io.emcomm.router.config.Settings.KAFKA_BOOTSTRAP;
import static io.emcomm.router.config.Settings.ROLL_CYCLE;

/**
 * Where the router keeps its data and how the journal writes it. Immutable; built by {@link RouterConfig.Builder},
 * which checks each value against its declaration in {@link Settings}.
 *
 * @param dataDir   the data folder: {@code journal/}, {@code cursors/}, {@code router.lock} ({@code emcomm.data}).
 * @param sync      when appends are forced to disk before they are acknowledged ({@code emcomm.journal.sync}).
 * @param rollCycle the Chronicle roll cycle name of a new journal, one of {@link Settings#ROLL_CYCLES}; an existing
 *                  journal keeps its own ({@code emcomm.journal.roll.cycle}).
 * @param backend   {@code chronicle} or {@code kafka} ({@code emcomm.journal.backend}, issue 15)
 * @param kafkaBootstrap the Kafka cluster's bootstrap servers, "" for none ({@code emcomm.kafka.bootstrap})
 */
public record JournalSettings(Path dataDir, JournalSync sync, String rollCycle, String backend, String kafkaBootstrap)
{
    /** The name of the default backend: the router's own Chronicle Queue. */
    public static final String CHRONICLE = "chronicle";
    /** The name of the Kafka backend (module emcomm-kafka). */
    public static final String KAFKA = "kafka";

    /** A journal of the router's own (Chronicle), no Kafka. */
    public JournalSettings(final Path dataDir, final JournalSync sync, final String rollCycle)
    {
        this(dataDir, sync, rollCycle, CHRONICLE, "");
    }

    /**
     * @throws ConfigException when the backend is {@code kafka} and no bootstrap servers are set
     */
    public JournalSettings
    {
        if (KAFKA.equals(backend) && kafkaBootstrap.isEmpty())
        {
            throw new ConfigException(KAFKA_BOOTSTRAP.key() + ": required with " + JOURNAL_BACKEND.key() + "=kafka");
        }
    }

    /** True when the journal is the site's Kafka topic (issue 15) rather than this router's own queue. */
    public boolean onKafka()
    {
        return KAFKA.equals(backend);
    }

    /** The journal's folder inside the data folder. */
    public Path journalDir()
    {
        return dataDir.resolve("journal");
    }

    static JournalSettings from(final SettingValues v)
    {
        return new JournalSettings(v.get(DATA), v.get(JOURNAL_SYNC), v.get(ROLL_CYCLE), v.get(JOURNAL_BACKEND),
            v.get(KAFKA_BOOTSTRAP));
    }
}
