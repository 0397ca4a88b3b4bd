package io.emcomm.router.config;

import java.nio.file.Path;

import static io.emcomm.router.config.Settings.DATA;
import static io.emcomm.router.config.Settings.JOURNAL_SYNC;
import static io.emcomm.router.config.Settings.ROLL_CYCLE;

/**
 * Where the router keeps its data and how the journal writes it. Immutable; built by {@link RouterConfig.Builder},
 * which checks each value against its declaration in {@link Settings}.
 *
 * @param dataDir   the data folder: {@code journal/}, {@code cursors/}, {@code router.lock} ({@code emcomm.data}).
 * @param sync      when appends are forced to disk before they are acknowledged ({@code emcomm.journal.sync}).
 * @param rollCycle the Chronicle roll cycle name of a new journal, one of {@link Settings#ROLL_CYCLES}; an existing
 *                  journal keeps its own ({@code emcomm.journal.roll.cycle}).
 */
public record JournalSettings(Path dataDir, JournalSync sync, String rollCycle)
{
    /** The journal's folder inside the data folder. */
    public Path journalDir()
    {
        return dataDir.resolve("journal");
    }

    static JournalSettings from(final SettingValues v)
    {
        return new JournalSettings(v.get(DATA), v.get(JOURNAL_SYNC), v.get(ROLL_CYCLE));
    }
}
