package io.emcomm.router.config;

import static io.emcomm.router.config.Settings.DISK_MIN_FREE_MB;
import static io.emcomm.router.config.Settings.RETENTION_HOURS;
import static io.emcomm.router.config.Settings.RETENTION_INTERVAL_MS;
import static io.emcomm.router.config.Settings.RETENTION_MB;

/**
 * How much journal the router keeps and how much disk it leaves free (docs/operations.md, "Retention" and
 * "Disk guard"). Immutable; built by {@link RouterConfig.Builder}, which checks each value against its
 * declaration in {@link Settings}.
 *
 * @param hours          roll files whose cycle ended longer ago are deleted unless a cursor needs them; 0 = keep
 *                       forever ({@code emcomm.journal.retention.hours}).
 * @param mb             the oldest roll files are deleted while the journal is larger than this many MiB; 0 = no
 *                       limit ({@code emcomm.journal.retention.mb}).
 * @param intervalMs     how often retention runs, milliseconds ({@code emcomm.journal.retention.interval.ms}).
 * @param diskMinFreeMb  publishes are refused while the journal's disk has less free space than this many MiB;
 *                       0 = never ({@code emcomm.disk.min.free.mb}).
 */
public record RetentionSettings(int hours, long mb, int intervalMs, long diskMinFreeMb)
{
    static RetentionSettings from(final SettingValues v)
    {
        return new RetentionSettings(v.get(RETENTION_HOURS), v.get(RETENTION_MB), v.get(RETENTION_INTERVAL_MS),
            v.get(DISK_MIN_FREE_MB));
    }
}
