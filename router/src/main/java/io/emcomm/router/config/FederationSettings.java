package io.emcomm.router.config;

import java.nio.file.Path;

import static io.emcomm.router.config.Settings.ROUTER_REGION;
import static io.emcomm.router.config.Settings.UPLINK;
import static io.emcomm.router.config.Settings.UPLINK_CREDENTIAL;
import static io.emcomm.router.config.Settings.UPLINK_PROFILE;
import static io.emcomm.router.config.Settings.UPLINK_RECONNECT_MAX_MS;
import static io.emcomm.router.config.Settings.UPLINK_ROUTER_ID;
import static io.emcomm.router.config.Settings.UPLINK_TLS_CA;
import static io.emcomm.router.config.Settings.UPLINK_TLS_CERT;
import static io.emcomm.router.config.Settings.UPLINK_TLS_KEY;

/**
 * Where this router sits in a federation of routers (issue 16, docs/protocol.md section 14): the region subtree it
 * serves and the uplink to its parent. Immutable; built by {@link RouterConfig.Builder}, which checks each value
 * against its declaration in {@link Settings}; the constructor checks what relates them, naming the settings. The
 * uplink's link profile is checked where link profiles are known (the router refuses to start with an unknown one).
 *
 * @param region          the region subtree this router serves; "" = everything ({@code emcomm.router.region}).
 * @param uplink          the parent router as {@code HOST:PORT}; "" = none ({@code emcomm.uplink}).
 * @param uplinkRouterId  the parent's router id, checked against its WELCOME ({@code emcomm.uplink.router.id}).
 * @param uplinkCredential the HELLO credential at the parent; "" = none ({@code emcomm.uplink.credential}).
 * @param uplinkProfile   the uplink's link profile; "" = unshaped ({@code emcomm.uplink.profile}).
 * @param uplinkTlsCa     the CA the parent's certificate must chain to, or null ({@code emcomm.uplink.tls.ca}).
 * @param uplinkTlsCert   this router's client certificate for mutual TLS, or null ({@code emcomm.uplink.tls.cert}).
 * @param uplinkTlsKey    its PKCS#8 key, or null ({@code emcomm.uplink.tls.key}).
 * @param reconnectMaxMs  the redial backoff's cap, milliseconds ({@code emcomm.uplink.reconnect.max.ms}).
 */
public record FederationSettings(String region, String uplink, String uplinkRouterId, String uplinkCredential,
    String uplinkProfile, Path uplinkTlsCa, Path uplinkTlsCert, Path uplinkTlsKey, int reconnectMaxMs)
{
    /** The first redial waits this long; each failure doubles it up to {@link #reconnectMaxMs}. */
    public static final int RECONNECT_MIN_MS = 100;

    /**
     * @throws ConfigException when an uplink has no region or no parent router id, or only one of the uplink's client
     *                         certificate and key is set.
     */
    public FederationSettings
    {
        if (!uplink.isEmpty() && region.isEmpty())
        {
            throw new ConfigException(ROUTER_REGION.key() + ": required with " + UPLINK.key()
                + " (a child router serves a region subtree of its parent's)");
        }
        if (!uplink.isEmpty() && uplinkRouterId.isEmpty())
        {
            throw new ConfigException(UPLINK_ROUTER_ID.key() + ": required with " + UPLINK.key()
                + " (the parent's emcomm.router.id, checked against its WELCOME)");
        }
        if ((uplinkTlsCert == null) != (uplinkTlsKey == null))
        {
            throw new ConfigException(UPLINK_TLS_CERT.key() + " and " + UPLINK_TLS_KEY.key() + ": set both or neither");
        }
    }

    /** The settings of a router with no region and no uplink: it serves everything, as before federation. */
    public static FederationSettings none()
    {
        return new FederationSettings("", "", "", "", "", null, null, null, UPLINK_RECONNECT_MAX_MS.defaultValue());
    }

    static FederationSettings from(final SettingValues v)
    {
        return new FederationSettings(v.get(ROUTER_REGION), v.get(UPLINK), v.get(UPLINK_ROUTER_ID),
            v.get(UPLINK_CREDENTIAL), v.get(UPLINK_PROFILE), v.get(UPLINK_TLS_CA), v.get(UPLINK_TLS_CERT),
            v.get(UPLINK_TLS_KEY), v.get(UPLINK_RECONNECT_MAX_MS));
    }

    /** Whether this router has a parent to dial. */
    public boolean hasUplink()
    {
        return !uplink.isEmpty();
    }

    /** Whether the uplink runs over TLS: a CA or a client certificate is set. */
    public boolean uplinkTls()
    {
        return uplinkTlsCa != null || uplinkTlsCert != null;
    }

    /** The uplink's host: before the last colon, without the brackets of an IPv6 address. */
    public String uplinkHost()
    {
        final String host = uplink.substring(0, uplink.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    /** The uplink's port: after the last colon. */
    public int uplinkPort()
    {
        return Integer.parseInt(uplink.substring(uplink.lastIndexOf(':') + 1));
    }

    /** The credential is a secret: never in a string that may be logged. */
    @Override
    public String toString()
    {
        return "FederationSettings{region=" + region + ", uplink=" + uplink + ", uplinkRouterId=" + uplinkRouterId
            + ", uplinkProfile=" + uplinkProfile + ", uplinkTls=" + uplinkTls() + '}';
    }
}
