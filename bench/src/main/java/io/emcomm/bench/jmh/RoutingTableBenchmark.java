package io.emcomm.bench.jmh;

import io.emcomm.protocol.address.ChannelPattern;
import io.emcomm.protocol.envelope.EnvelopeHeader;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.journal.DedupeWindows;
import io.emcomm.router.address.Destination;
import io.emcomm.router.address.DestinationCache;
import io.emcomm.router.route.LocalRoutingTable;
import io.emcomm.router.route.Recipients;
import io.emcomm.router.session.PublishState;
import io.emcomm.router.session.Session;
import io.emcomm.router.terminal.TerminalIdentity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The routing table with 10,000 sessions: 9,000 air/space/ground terminals in the villages of a
 * province-city-county-town-village tree (9 cities x 10 counties x 10 towns x 5 villages) and 1,000
 * command posts (one per province, city, county and town). Field terminals subscribe to one of 500 team
 * channels; command posts to {@code ops.<city>.*} and {@code alerts.>} (wildcards). Each benchmark
 * resolves one address into the per-thread {@link Recipients} set and returns its size.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingTableBenchmark
{
    static final String[] CITIES = {"5201", "5202", "5203", "5204", "5205", "5206", "5223", "5226", "5227"};
    private static final TerminalKind[] FIELD_KINDS = {TerminalKind.AIR, TerminalKind.SPACE, TerminalKind.GROUND};

    private final LocalRoutingTable table = new LocalRoutingTable();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final DestinationCache cache = new DestinationCache();
    private final EnvelopeHeader header = new EnvelopeHeader();
    private Recipients recipients;
    private Destination terminal;
    private Destination channelExact;
    private Destination channelWildcard;
    private Destination regionTown;
    private Destination regionCity;
    private Destination regionCityAirGround;
    private Destination upFromVillage;
    private ByteBuf envelope;

    /** Routing reads only identity, kind and region: no delivery feed is needed, and one dedupe state serves every session. */
    private final PublishState publishing = new PublishState(new DedupeWindows().state("bench"), null, null);

    private Session session(final String terminalId, final TerminalKind kind, final String regionCode)
    {
        return new Session(new TerminalIdentity(terminalId, kind, regionCode), channel, null, null, publishing, null);
    }

    @Setup
    public void setUp() throws Exception
    {
        int n = 0;
        add(session("cp-52", TerminalKind.COMMAND_POST, "52"), "alerts.>");
        for (final String city : CITIES)
        {
            add(session("cp-" + city, TerminalKind.COMMAND_POST, city), "ops." + city + ".*");
            for (int county = 1; county <= 10; county++)
            {
                final String countyCode = city + String.format("%02d", county);
                add(session("cp-" + countyCode, TerminalKind.COMMAND_POST, countyCode),
                    "ops." + city + ".*");
                for (int town = 1; town <= 10; town++)
                {
                    final String townCode = countyCode + String.format("%03d", town);
                    add(session("cp-" + townCode, TerminalKind.COMMAND_POST, townCode),
                        "alerts.>");
                    for (int i = 0; i < 10; i++)
                    {
                        final String village = townCode + String.format("%03d", 1 + i % 5);
                        add(session("t-" + n, FIELD_KINDS[n % 3], village),
                            "team." + (n % 500));
                        n++;
                    }
                }
            }
        }
        if (table.sessionCount() != 10_000)
        {
            throw new IllegalStateException("expected 10,000 sessions, built " + table.sessionCount());
        }
        recipients = Recipients.forThread();
        terminal = Destination.parse("terminal:t-4711");
        channelExact = Destination.parse("channel:team.42");
        channelWildcard = Destination.parse("channel:ops.5201.flood");
        regionTown = Destination.parse("region:520101001");
        regionCity = Destination.parse("region:5201");
        regionCityAirGround = Destination.parse("region:5201/air+ground");
        upFromVillage = Destination.parse("up:520101001001");
        final byte[] bytes = SampleEnvelopes.report().toByteArray();
        envelope = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    private void add(final Session session, final String pattern) throws Exception
    {
        table.register(session);
        table.subscribe(session, ChannelPattern.parse(pattern));
    }

    @TearDown
    public void tearDown()
    {
        envelope.release();
        channel.finishAndReleaseAll();
    }

    private int resolve(final Destination destination)
    {
        recipients.begin();
        table.resolve(destination, recipients);
        return recipients.size();
    }

    /** One terminal by id: 1 recipient. */
    @Benchmark
    public int terminal()
    {
        return resolve(terminal);
    }

    /** A literal channel with 18 subscribers. */
    @Benchmark
    public int channelExact()
    {
        return resolve(channelExact);
    }

    /** A channel matched by the {@code ops.5201.*} wildcard: the 11 command posts of one city. */
    @Benchmark
    public int channelWildcard()
    {
        return resolve(channelWildcard);
    }

    /** A town's subtree: 100 terminals and its command post. */
    @Benchmark
    public int regionTown()
    {
        return resolve(regionTown);
    }

    /** A whole city's subtree: 1,111 sessions (a recipient set this large costs per recipient). */
    @Benchmark
    public int regionCity()
    {
        return resolve(regionCity);
    }

    /** The same city filtered to air and ground terminals. */
    @Benchmark
    public int regionCityAirGround()
    {
        return resolve(regionCityAirGround);
    }

    /** Up the chain from a village: the command posts of its town, county, city and province. */
    @Benchmark
    public int upFromVillage()
    {
        return resolve(upFromVillage);
    }

    /** The whole routing step for one envelope: scan the header, look up each address, collect recipients. */
    @Benchmark
    public int routeEnvelope()
    {
        if (!header.wrap(envelope, envelope.readerIndex(), envelope.readableBytes()))
        {
            return -1;
        }
        recipients.begin();
        for (int i = 0; i < header.destinationCount(); i++)
        {
            final Destination destination = cache.lookup(header, i);
            if (destination != null)
            {
                table.resolve(destination, recipients);
            }
        }
        return recipients.size();
    }
}
