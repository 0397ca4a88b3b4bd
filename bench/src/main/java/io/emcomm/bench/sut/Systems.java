package io.emcomm.bench.sut;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The systems by name, in the order a comparison runs them. */
public final class Systems
{
    private static final Map<String, Supplier<SystemUnderTest>> FACTORIES = new LinkedHashMap<>();

    static
    {
        FACTORIES.put("emcomm", EmcommSystem::pageCache);
        FACTORIES.put("emcomm_sync", EmcommSystem::syncToDisk);
        FACTORIES.put("netty_baseline", BaselineSystem::new);
        FACTORIES.put("nats", NatsSystem::core);
        FACTORIES.put("jetstream", NatsSystem::jetStream);
        FACTORIES.put("mosquitto", MosquittoSystem::new);
        FACTORIES.put("kafka", KafkaSystem::new);
    }

    public static final List<String> NAMES = List.copyOf(FACTORIES.keySet());

    private Systems()
    {
    }

    /**
     * A new, not yet started system of that name (one of {@link #NAMES}).
     *
     * @throws IllegalArgumentException for an unknown name.
     */
    public static SystemUnderTest create(final String name)
    {
        final Supplier<SystemUnderTest> factory = FACTORIES.get(name);
        if (factory == null)
        {
            throw new IllegalArgumentException("unknown system '" + name + "'; known: " + NAMES);
        }
        return factory.get();
    }

    /** Whether a peer's server executable is on this machine (no install attempted). */
    public static boolean installed(final String name)
    {
        return switch (name)
        {
            case "nats", "jetstream" -> Peers.find("nats-server").isPresent();
            case "mosquitto" -> Peers.find("mosquitto").isPresent();
            default -> true;
        };
    }
}
