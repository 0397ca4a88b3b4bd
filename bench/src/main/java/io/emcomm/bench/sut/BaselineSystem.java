package io.emcomm.bench.sut;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code netty_baseline}: the {@link BaselineForwarder} in a child JVM. Destinations are turned into
 * forwarding groups here, in the harness, so the forwarder itself does no routing at all.
 */
public final class BaselineSystem implements SystemUnderTest
{
    private final Map<String, Integer> groups = new ConcurrentHashMap<>();
    private final AtomicInteger nextGroup = new AtomicInteger(1);
    private ChildJvm child;

    @Override
    public String name()
    {
        return "netty_baseline";
    }

    @Override
    public Set<Capability> capabilities()
    {
        // PERSISTED here means "acknowledged": the forwarder acks at once and stores nothing, which makes it
        // the ceiling for an acknowledged publish on this stack.
        return EnumSet.of(Capability.PUB_SUB, Capability.PERSISTED, Capability.IDLE_CONNECTIONS);
    }

    @Override
    public void start(final Path workDir) throws Exception
    {
        child = ChildJvm.start("netty_baseline", BaselineForwarder.class, workDir, List.of("0"));
    }

    @Override
    public BenchClient connect(final ClientSpec spec) throws Exception
    {
        return BaselineClient.connect(this, child.port(), spec);
    }

    int group(final Destination to)
    {
        if (to.kind() == Destination.Kind.UP)
        {
            final String[] levels = Destination.regionLevels(to.name());
            for (int i = levels.length - 1; i >= 0; i--)
            {
                final Integer group = groups.get("u:" + levels[i]);
                if (group != null)
                {
                    return group;
                }
            }
            return 0; // no command post above: nobody receives it
        }
        return groups.computeIfAbsent(to.kind() + ":" + to.name(), k -> nextGroup.getAndIncrement());
    }

    int commandPostGroup(final String region)
    {
        return groups.computeIfAbsent("u:" + region, k -> nextGroup.getAndIncrement());
    }

    @Override
    public IdleConnections openIdle(final IdleConnections.Plan plan, final String idPrefix) throws Exception
    {
        return IdleConnections.open(child.port(), plan, new IdleConnections.Handshake()
        {
            @Override
            public ByteBuf hello(final ByteBufAllocator alloc, final int index)
            {
                final ByteBuf hello = alloc.ioBuffer(Frames.HEADER_BYTES);
                Frames.writeHeader(hello, FrameType.HELLO, 0);
                return hello;
            }

            @Override
            public boolean complete(final ByteBuf received)
            {
                return received.readableBytes() >= Frames.HEADER_BYTES
                    && received.getByte(Frames.LENGTH_FIELD_BYTES) == FrameType.WELCOME_VALUE;
            }
        });
    }

    @Override
    public Footprint footprint() throws Exception
    {
        return child.footprint();
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
