package io.emcomm.bench.sut;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * EmComm routers in child JVMs ({@link RouterHost}, as {@link EmcommSystem} runs one), linked in a chain: the top
 * router first, then each child with {@code emcomm.uplink} to the one above, its uplink profile on every link, router
 * ids {@code r<region>}. Each child announces its port only once its uplink is up, so that a started federation is
 * linked. Every router journals what it routes (JournalSync.NONE: in the page cache), imports included.
 */
final class EmcommFederation implements Federation
{
    private final List<String> regions;
    private final List<ChildJvm> routers = new ArrayList<>();

    private EmcommFederation(final List<String> regions)
    {
        this.regions = List.copyOf(regions);
    }

    /**
     * Starts the chain on the calling thread (a few seconds a router).
     *
     * @param label         names the children ({@code <label>-r<region>}, their logs and
     *                      {@code emcomm.bench.childJvmArgs.<name>}) and their data folders.
     * @param workDir       the children run here and log here.
     * @param dataDir       journals go to {@code dataDir/<label>-r<region>}.
     * @param uplinkProfile {@code ""} for unshaped links, else a link profile ({@code vsat}, {@code rate:N}).
     * @throws IOException when a router does not start or its uplink does not come up (the others are stopped).
     */
    static EmcommFederation start(final String label, final List<String> regions, final String uplinkProfile,
        final Path workDir, final Path dataDir) throws IOException
    {
        if (regions.isEmpty())
        {
            throw new IllegalArgumentException("a federation needs at least one region");
        }
        final EmcommFederation federation = new EmcommFederation(regions);
        try
        {
            for (int level = 0; level < regions.size(); level++)
            {
                final String id = routerId(regions.get(level));
                final String name = label + "-" + id;
                final List<String> args = new ArrayList<>(List.of(
                    dataDir.resolve(name).toAbsolutePath().toString(), "NONE", id, regions.get(level)));
                if (level > 0)
                {
                    args.add("127.0.0.1:" + federation.routers.get(level - 1).port());
                    args.add(routerId(regions.get(level - 1)));
                    args.add(uplinkProfile.isEmpty() ? "-" : uplinkProfile);
                }
                federation.routers.add(ChildJvm.start(name, RouterHost.class, workDir, args));
            }
            return federation;
        }
        catch (final IOException | RuntimeException ex)
        {
            federation.close();
            throw ex;
        }
    }

    static String routerId(final String region)
    {
        return "r" + region;
    }

    @Override
    public List<String> regions()
    {
        return regions;
    }

    @Override
    public BenchClient connect(final int level, final ClientSpec spec) throws Exception
    {
        return EmcommDriver.connect(routers.get(level).port(), spec);
    }

    @Override
    public Footprint footprint(final int level) throws Exception
    {
        return routers.get(level).footprint();
    }

    @Override
    public void close()
    {
        for (int i = routers.size() - 1; i >= 0; i--)
        {
            routers.get(i).close();
        }
        routers.clear();
    }
}
