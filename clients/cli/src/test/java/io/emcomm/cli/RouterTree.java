package io.emcomm.cli;

import io.emcomm.testing.TcpRelay;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Three routers of one federation, each in its own process through the real command line, on loopback:
 * <pre>
 *   prov-52      --region 52
 *     ^ uplink (direct)
 *   city-5201    --region 5201   --uplink prov   --uplink-router-id prov-52
 *     ^ uplink through {@link #countyLink()}, a {@link TcpRelay} the test can cut, stall and restore
 *   county-520102 --region 520102 --uplink relay --uplink-router-id city-5201 [--uplink-profile P]
 * </pre>
 * Each has its own data folder under the given folder ({@code prov/}, {@code city/}, {@code county/}) and its
 * output in {@code NAME.log} beside it. Heartbeats every 500 ms and a 3 s idle timeout (both ends of a link use
 * them) let a stalled link be noticed within seconds, a 1.5 s FLASH deadline lets a non-delivery receipt be made
 * within seconds; one event loop each keeps three routers and the test on two cores.
 */
final class RouterTree implements AutoCloseable
{
    static final String PROVINCE_ID = "prov-52";
    static final String CITY_ID = "city-5201";
    static final String COUNTY_ID = "county-520102";
    static final int IDLE_TIMEOUT_MS = 3_000;
    static final int HEARTBEAT_MS = 500;
    private static final Duration LINK_UP = Duration.ofSeconds(30);
    /** A FLASH not acknowledged in this time is sent again, and after as long again reported NOT_DELIVERED. */
    static final int FLASH_ACK_TIMEOUT_MS = 1_500;

    private final ChildCliRouter province;
    private final ChildCliRouter city;
    private final ChildCliRouter county;
    private final TcpRelay countyLink;

    private RouterTree(final ChildCliRouter province, final ChildCliRouter city, final ChildCliRouter county,
        final TcpRelay countyLink)
    {
        this.province = province;
        this.city = city;
        this.county = county;
        this.countyLink = countyLink;
    }

    /** Starts province, city and county in that order (each child needs its parent's port); {@code countyProfile} "" = unshaped. */
    static RouterTree start(final Path dir, final String countyProfile) throws IOException
    {
        final List<String> jvm = List.of("-Demcomm.heartbeat.interval.ms=" + HEARTBEAT_MS,
            "-Demcomm.idle.timeout.ms=" + IDLE_TIMEOUT_MS, "-Demcomm.io.threads=1",
            "-Demcomm.flash.ack.timeout.ms=" + FLASH_ACK_TIMEOUT_MS, "-Demcomm.timer.interval.ms=250");
        final List<AutoCloseable> started = new ArrayList<>();
        try
        {
            final ChildCliRouter province = ChildCliRouter.start("prov", dir.resolve("prov"), jvm,
                "--router-id", PROVINCE_ID, "--region", "52");
            started.add(province);
            final ChildCliRouter city = ChildCliRouter.start("city", dir.resolve("city"), jvm,
                "--router-id", CITY_ID, "--region", "5201",
                "--uplink", "127.0.0.1:" + province.port(), "--uplink-router-id", PROVINCE_ID);
            started.add(city);
            final TcpRelay relay = TcpRelay.start(city.port());
            started.add(relay);
            final List<String> countyArgs = new ArrayList<>(List.of("--router-id", COUNTY_ID, "--region", "520102",
                "--uplink", "127.0.0.1:" + relay.port(), "--uplink-router-id", CITY_ID));
            if (!countyProfile.isEmpty())
            {
                countyArgs.addAll(List.of("--uplink-profile", countyProfile));
            }
            final ChildCliRouter county = ChildCliRouter.start("county", dir.resolve("county"), jvm,
                countyArgs.toArray(String[]::new));
            started.add(county);
            // A parent starts a child it has never seen at its journal's end (as a new terminal): until each link has
            // been up once, what the parent journals for the child's region is not the child's. Tests start after.
            city.awaitOutput("(" + PROVINCE_ID + ") is up", LINK_UP);
            county.awaitOutput("(" + CITY_ID + ") is up", LINK_UP);
            return new RouterTree(province, city, county, relay);
        }
        catch (final InterruptedException ex)
        {
            started.forEach(RouterTree::closeQuietly);
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the federation started", ex);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            for (final AutoCloseable c : started)
            {
                closeQuietly(c);
            }
            throw ex;
        }
    }

    ChildCliRouter province()
    {
        return province;
    }

    ChildCliRouter city()
    {
        return city;
    }

    ChildCliRouter county()
    {
        return county;
    }

    /** The relay between the county (its uplink) and the city. */
    TcpRelay countyLink()
    {
        return countyLink;
    }

    /** {@code kill -9} of the city, then the city again on its data; the county's relay follows it to its port. */
    void killAndRestartCity() throws IOException, InterruptedException
    {
        city.kill();
        restartCity();
    }

    /** Starts the city again on its data (after a kill); the county's relay follows it to its port. */
    void restartCity() throws IOException
    {
        city.restart();
        countyLink.target(city.port());
    }

    /** {@code kill -9} of the county, then the county again on its data (its terminals must log in again). */
    void killAndRestartCounty() throws IOException, InterruptedException
    {
        county.kill();
        county.restart();
    }

    /** Brings back whatever a failed test left down: every router running, the county link relaying. */
    void heal() throws IOException
    {
        for (final ChildCliRouter r : List.of(province, city, county))
        {
            if (!r.isAlive())
            {
                r.restart();
            }
        }
        countyLink.target(city.port());
        countyLink.restore();
    }

    /** The tail of every router's output, for a failure message. */
    String tails()
    {
        final StringBuilder b = new StringBuilder();
        for (final ChildCliRouter r : List.of(province, city, county))
        {
            b.append("\n---- ").append(r.name()).append(" (").append(r.log()).append(")\n").append(r.tail());
        }
        return b.toString();
    }

    @Override
    public void close()
    {
        // children first, so that no router redials a parent that is already gone
        closeQuietly(county);
        closeQuietly(countyLink);
        closeQuietly(city);
        closeQuietly(province);
    }

    private static void closeQuietly(final AutoCloseable c)
    {
        try
        {
            c.close();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        catch (final Exception ignore)
        {
            // best effort at the end of a test
        }
    }
}
