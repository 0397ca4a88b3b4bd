package io.emcomm.router.config;

import static io.emcomm.router.config.Settings.ADMIN_HOST;
import static io.emcomm.router.config.Settings.ADMIN_PORT;

/**
 * The admin HTTP endpoint ({@code /metrics}, {@code /health}, {@code /ready}, {@code /status}). Immutable; built by
 * {@link RouterConfig.Builder}, which checks each value against its declaration in {@link Settings}.
 *
 * @param host address of the endpoint; loopback unless configured otherwise ({@code emcomm.admin.host}).
 * @param port its port; 0 picks a free one, -1 turns it off ({@code emcomm.admin.port}).
 */
public record AdminSettings(String host, int port)
{
    static AdminSettings from(final SettingValues v)
    {
        return new AdminSettings(v.get(ADMIN_HOST), v.get(ADMIN_PORT));
    }
}
