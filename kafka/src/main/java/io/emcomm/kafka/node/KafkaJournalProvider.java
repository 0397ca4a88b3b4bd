package io.emcomm.kafka.node;

import io.emcomm.kafka.JournalTopics;
import io.emcomm.kafka.journal.JournalProducer;
import io.emcomm.kafka.terminals.KafkaCursorStoreConfig;
import io.emcomm.router.JournalBackend;
import io.emcomm.router.config.JournalSettings;
import io.emcomm.router.config.RouterConfig;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * The {@code kafka} journal backend ({@code emcomm.journal.backend=kafka}), found by the router through
 * {@link java.util.ServiceLoader} ({@code META-INF/services}); a test or an embedding application may give one with
 * other {@link Options} to {@code Router.Context#journalBackend}.
 */
public final class KafkaJournalProvider implements JournalBackend.Provider
{
    /**
     * What is not a router setting (yet).
     *
     * @param topics       the topics' names and the journal's size cap ({@link JournalTopics#defaults()})
     * @param producer     adjusts the producers' settings (delivery timeout, ROUTINE cap); identity by default
     * @param startTimeout the deadline for the topics' check and for the apply loop to catch up at start
     * @param terminals    adjusts the terminals store's settings (flush interval, claim timeout); identity by default
     */
    public record Options(JournalTopics topics, UnaryOperator<JournalProducer.Settings> producer, Duration startTimeout,
        UnaryOperator<KafkaCursorStoreConfig> terminals)
    {
        /**
         * Options with the terminals store at its defaults.
         *
         * @param topics       the topics
         * @param producer     adjusts the producers' settings
         * @param startTimeout the start deadline
         */
        public Options(final JournalTopics topics, final UnaryOperator<JournalProducer.Settings> producer,
            final Duration startTimeout)
        {
            this(topics, producer, startTimeout, UnaryOperator.identity());
        }

        /** @return the defaults: topics {@code emcomm.journal} and {@code emcomm.terminals}, 60 s to start */
        public static Options defaults()
        {
            return new Options(JournalTopics.defaults(), UnaryOperator.identity(), Duration.ofSeconds(60));
        }
    }

    private final Options options;

    /** The provider ServiceLoader makes: the default options. */
    public KafkaJournalProvider()
    {
        this(Options.defaults());
    }

    /** @param options topics, producer settings and start deadline */
    public KafkaJournalProvider(final Options options)
    {
        this.options = options;
    }

    @Override
    public String name()
    {
        return JournalSettings.KAFKA;
    }

    @Override
    public JournalBackend open(final RouterConfig config, final LongSupplier clockMicros)
    {
        return new KafkaJournalBackend(config, options, clockMicros);
    }
}
