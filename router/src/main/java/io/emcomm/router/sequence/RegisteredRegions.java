package io.emcomm.router.sequence;

/**
 * The region the terminal registry lists for an id (auth {@code token} or {@code mtls}; docs/security.md), for the
 * authority check of an import from a child router ({@link Sequencer#importDelivery}): an origin the registry places
 * outside the child's region is refused even if the child claims otherwise. Must be thread-safe, must not block.
 */
@FunctionalInterface
public interface RegisteredRegions
{
    /** No registry (auth {@code none}): nothing is known. */
    RegisteredRegions NONE = id -> null;

    /** The registered region of {@code originId}, or null when the registry does not list it (or there is none). */
    String regionOf(String originId);
}
