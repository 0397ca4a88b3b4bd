package io.emcomm.router.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The values set so far while a configuration is built, by setting; a setting not set reads as its default.
 * Shared by {@link RouterConfig.Builder} and {@link SecuritySettings.Builder}, read once by the records'
 * {@code from} factories. Control plane; not thread-safe.
 */
final class SettingValues
{
    private final Map<Setting<?>, Object> values = new HashMap<>();

    <T> void put(final Setting<T> setting, final T value)
    {
        values.put(setting, value);
    }

    @SuppressWarnings("unchecked")
    <T> T get(final Setting<T> setting)
    {
        return values.containsKey(setting) ? (T)values.get(setting) : setting.defaultValue();
    }

    /**
     * Sets a setting by key from text, as a file, {@code -D} or the environment spells it.
     *
     * @throws ConfigException for a key that is not a setting (with the nearest key as a suggestion), or a
     *                         value that does not parse.
     */
    void set(final String key, final String text)
    {
        final Setting<?> setting = Settings.forKey(key);
        if (setting == null)
        {
            throw new ConfigException(ConfigSources.describe(Set.of(key), Settings.KEYS, "unknown key"));
        }
        parseInto(setting, text);
    }

    private <T> void parseInto(final Setting<T> setting, final String text)
    {
        put(setting, setting.parse(text));
    }

    /**
     * Checks every setting's value, set or default, against its declaration: the one place each range is
     * enforced (the records check only what relates two settings).
     */
    void checkAll()
    {
        for (final Setting<?> setting : Settings.ALL)
        {
            check(setting);
        }
    }

    private <T> void check(final Setting<T> setting)
    {
        setting.check(get(setting));
    }
}
