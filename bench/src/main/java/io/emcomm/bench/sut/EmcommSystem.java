package io.emcomm.bench.sut;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.TerminalKind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@code emcomm}: EmComm Router in a child JVM ({@link RouterHost}), journaling every message before it is
 * acknowledged, driven through the public Java client ({@link EmcommDriver} over {@code io.emcomm.client}). {@code emcomm_sync} is the same
 * router with group-commit sync to disk (JournalSync.BATCH), measured in the persisted scenario only.
 */
public final class EmcommSystem implements SystemUnderTest
{
    private final boolean syncToDisk;
    private ChildJvm child;
    private Path workDir;
    private int replays;

    private EmcommSystem(final boolean syncToDisk)
    {
        this.syncToDisk = syncToDisk;
    }

    public static EmcommSystem pageCache()
    {
        return new EmcommSystem(false);
    }

    public static EmcommSystem syncToDisk()
    {
        return new EmcommSystem(true);
    }

    @Override
    public String name()
    {
        return syncToDisk ? "emcomm_sync" : "emcomm";
    }

    @Override
    public Set<Capability> capabilities()
    {
        return syncToDisk ? EnumSet.of(Capability.PERSISTED)
            : EnumSet.of(Capability.PUB_SUB, Capability.PERSISTED, Capability.REPLAY, Capability.IDLE_CONNECTIONS,
                Capability.FEDERATION, Capability.CLUSTER_PERSISTED, Capability.CLUSTER_PUB_SUB);
    }

    @Override
    public void start(final Path workDir) throws Exception
    {
        this.workDir = workDir;
        child = ChildJvm.start(name(), RouterHost.class, workDir,
            List.of(workDir.resolve("data").toAbsolutePath().toString(), syncToDisk ? "BATCH" : "NONE"));
    }

    @Override
    public BenchClient connect(final ClientSpec spec) throws Exception
    {
        return EmcommDriver.connect(child.port(), spec);
    }

    /** Routers in child JVMs beside this one (which idles meanwhile), journals under {@code data/} so they are discarded. */
    @Override
    public Federation federation(final String label, final List<String> regions, final String uplinkProfile)
        throws Exception
    {
        if (workDir == null)
        {
            throw new IllegalStateException("start the system first");
        }
        return EmcommFederation.start(label, regions, uplinkProfile, workDir.resolve(label), workDir.resolve("data"));
    }

    /**
     * Router nodes on a 3-broker Kafka cluster beside this router (which idles meanwhile, as for a federation), brokers'
     * and nodes' data under {@code data/} so it is discarded.
     */
    @Override
    public Cluster cluster(final String label) throws Exception
    {
        if (workDir == null)
        {
            throw new IllegalStateException("start the system first");
        }
        return EmcommCluster.start(label, workDir.resolve(label), workDir.resolve("data").resolve(label));
    }

    @Override
    public long replayAll(final String publisherId, final Destination publishedTo, final long expected,
        final java.time.Duration timeout) throws Exception
    {
        final ClientSpec spec = ClientSpec.subscriber("bench-replay-" + (++replays), (stamp, flash) -> { });
        try (EmcommDriver client = EmcommDriver.connect(child.port(), spec))
        {
            return client.replay(publisherId, timeout);
        }
    }

    @Override
    public IdleConnections openIdle(final IdleConnections.Plan plan, final String idPrefix) throws Exception
    {
        return IdleConnections.open(child.port(), plan, new IdleConnections.Handshake()
        {
            @Override
            public ByteBuf hello(final ByteBufAllocator alloc, final int index)
            {
                final Hello hello = Hello.newBuilder()
                    .setProtocolVersion(Frames.PROTOCOL_VERSION)
                    .setTerminalId(idPrefix + index)
                    .setKind(TerminalKind.GROUND)
                    .setRegionCode(VILLAGES[index % VILLAGES.length])
                    .build();
                return Frames.encode(alloc, FrameType.HELLO, hello);
            }

            @Override
            public boolean complete(final ByteBuf received)
            {
                if (received.readableBytes() < Frames.HEADER_BYTES)
                {
                    return false;
                }
                final int type = received.getUnsignedByte(Frames.LENGTH_FIELD_BYTES);
                if (type != FrameType.WELCOME_VALUE)
                {
                    throw new IllegalStateException("router answered HELLO with frame type " + type);
                }
                return true;
            }
        });
    }

    /** A spread of village codes so idle terminals populate a realistic region tree. */
    private static final String[] VILLAGES = villages();

    private static String[] villages()
    {
        final String[] counties = {"520102", "520103", "520111", "520112", "520113", "520115", "520121", "520122"};
        final String[] out = new String[counties.length * 10 * 10];
        int i = 0;
        for (final String county : counties)
        {
            for (int town = 1; town <= 10; town++)
            {
                for (int village = 1; village <= 10; village++)
                {
                    out[i++] = county + String.format("%03d%03d", town, village);
                }
            }
        }
        return out;
    }

    @Override
    public Footprint footprint() throws Exception
    {
        return child.footprint();
    }

    @Override
    public List<String> storageFolders()
    {
        return List.of("data");
    }

    @Override
    public void close()
    {
        if (child != null)
        {
            child.close();
            child = null;
        }
    }
}
