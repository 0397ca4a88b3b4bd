package io.emcomm.kafka;

import kafka.tools.StorageTool;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Formats a node's log directory for its cluster, as {@code kafka-storage.sh format} does: it runs Kafka's own
 * {@link StorageTool} in this JVM ({@code execute}, not {@code main}, which would end the JVM), from the same
 * jars the broker processes run. A directory already formatted is left alone ({@code --ignore-formatted}), so
 * starting again on a data folder keeps its data; one formatted for another cluster id makes the broker refuse
 * to start, which is why {@link ClusterLayout} keeps the id.
 */
public final class StorageFormatter
{
    private StorageFormatter()
    {
    }

    /**
     * Whether node {@code id} has been formatted (its log directory has {@code meta.properties}).
     *
     * @param dir the cluster's data folder
     * @param id  the node
     * @return true when formatted
     */
    public static boolean isFormatted(final Path dir, final int id)
    {
        return Files.exists(NodeConfig.dataDir(dir, id).resolve("meta.properties"));
    }

    /**
     * Formats node {@code id} with the layout's cluster id and a static quorum, unless already formatted.
     *
     * @param properties the node's properties file ({@link NodeConfig#write})
     * @param clusterId  the cluster id
     * @throws ClusterFailure with the tool's output when it fails
     */
    public static void format(final Path properties, final String clusterId)
    {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final int code;
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8))
        {
            code = StorageTool.execute(new String[] {"format", "--cluster-id", clusterId,
                "--config", properties.toAbsolutePath().toString(), "--ignore-formatted"}, out);
        }
        catch (final RuntimeException ex)
        {
            // StorageTool's TerseFailure (a bad setting) and configuration exceptions
            throw new ClusterFailure("cannot format Kafka storage for " + properties + ": " + ex.getMessage(), ex);
        }
        if (code != 0)
        {
            throw new ClusterFailure("cannot format Kafka storage for " + properties + " (exit " + code + "): "
                + captured.toString(StandardCharsets.UTF_8).strip());
        }
    }
}
