package io.emcomm.router.link;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.emcomm.protocol.address.Address;
import io.emcomm.router.config.FileProblem;
import io.emcomm.router.config.StartFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each child router advertised (protocol.md section 14.4), kept durably in {@code DATA/links/<peer-id>.json} so
 * that while a child is away the messages for its terminals and channels are still selected for it when it returns,
 * and so that this router advertises its children's terminals upward whether or not they are connected. Loaded at
 * start; a file is rewritten (to a temporary file, then moved over the old one) whenever a child's advertisement
 * changes.
 *
 * <p>Thread-safe: each child's advertisement is written by its link's event loop and published as an immutable
 * {@link Advertisement}; readers on any thread (routing, the uplink's advertisement) see a whole one.
 */
public final class ChildAdvertisements
{
    private static final Logger LOG = LoggerFactory.getLogger(ChildAdvertisements.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SUFFIX = ".json";

    /**
     * The file's shape.
     *
     * @param peer      the child's router id
     * @param region    the child's region when it last logged in
     * @param terminals the terminal ids it advertised, sorted
     * @param channels  the channel patterns it advertised, sorted
     */
    record Stored(String peer, String region, List<String> terminals, List<String> channels)
    {
    }

    /**
     * One child's advertisement as held here.
     *
     * @param region        the child's region
     * @param advertisement what it advertised
     */
    public record Held(String region, Advertisement advertisement)
    {
    }

    private final Path dir;
    private final Map<String, Held> byPeer = new ConcurrentHashMap<>();
    /** The values of {@link #byPeer}, for readers on the publishing path: iterating an array allocates nothing. */
    private volatile Held[] all = new Held[0];

    private ChildAdvertisements(final Path dir)
    {
        this.dir = dir;
    }

    /**
     * Reads every child's file in {@code dir} (made when missing).
     *
     * @throws StartFailure when the folder cannot be made or a file cannot be read (one line naming it)
     */
    public static ChildAdvertisements load(final Path dir)
    {
        final ChildAdvertisements store = new ChildAdvertisements(dir);
        try
        {
            Files.createDirectories(dir);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX))
            {
                for (final Path file : files)
                {
                    final Stored stored = JSON.readValue(file.toFile(), Stored.class);
                    if (stored.peer() == null || !Address.isValidTerminalId(stored.peer()))
                    {
                        LOG.warn("{}: no valid peer id; ignored", file);
                        continue;
                    }
                    store.byPeer.put(stored.peer(), new Held(stored.region() == null ? "" : stored.region(),
                        new Advertisement(Set.copyOf(stored.terminals()), Set.copyOf(stored.channels()))));
                    store.all = store.byPeer.values().toArray(new Held[0]);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new StartFailure("cannot read the peer links' advertisements in " + dir + ": " + FileProblem.reason(ex));
        }
        return store;
    }

    /** What {@code peer} advertised last, or null when it never did. */
    public Held held(final String peer)
    {
        return byPeer.get(peer);
    }

    /** Every child known here, connected or not. */
    public Set<String> peers()
    {
        return Set.copyOf(byPeer.keySet());
    }

    /** Whether any child advertised terminal {@code id}. Any thread; allocates nothing. */
    public boolean servesTerminal(final String id)
    {
        for (final Held held : all)
        {
            if (held.advertisement().terminals().contains(id))
            {
                return true;
            }
        }
        return false;
    }

    /** The union of every child's advertisement (what this router passes upward on their behalf). */
    public Advertisement union()
    {
        final Set<String> terminals = new HashSet<>();
        final Set<String> channels = new HashSet<>();
        for (final Held held : byPeer.values())
        {
            terminals.addAll(held.advertisement().terminals());
            channels.addAll(held.advertisement().channels());
        }
        return new Advertisement(terminals, channels);
    }

    /**
     * Records {@code peer}'s advertisement and rewrites its file. Its link's event loop. A file that cannot be written
     * is logged: the advertisement still holds in memory, and the child sends it whole again at its next login.
     */
    public void put(final String peer, final String region, final Advertisement advertisement)
    {
        synchronized (byPeer)
        {
            byPeer.put(peer, new Held(region, advertisement));
            all = byPeer.values().toArray(new Held[0]);
        }
        final Path file = dir.resolve(peer + SUFFIX);
        final Path temp = dir.resolve(peer + SUFFIX + ".tmp");
        try
        {
            JSON.writeValue(temp.toFile(), new Stored(peer, region, List.copyOf(new TreeSet<>(advertisement.terminals())),
                List.copyOf(new TreeSet<>(advertisement.channels()))));
            try
            {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            catch (final AtomicMoveNotSupportedException ex)
            {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        catch (final IOException ex)
        {
            LOG.warn("cannot write the advertisement of {} to {}: {}", peer, file, FileProblem.reason(ex));
        }
    }
}
