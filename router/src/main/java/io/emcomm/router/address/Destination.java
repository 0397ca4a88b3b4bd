package io.emcomm.router.address;

import io.emcomm.protocol.address.Address;
import io.emcomm.protocol.address.AddressException;
import io.emcomm.protocol.region.RegionCode;

/**
 * A parsed destination address with what routing needs precomputed (the region chain of an {@code up:}
 * address), so that resolving it on the hot path allocates nothing. Immutable; cached by
 * {@link DestinationCache}.
 */
public final class Destination
{
    private final String text;
    private final Address address;
    private final String[] upChain;

    private Destination(final String text, final Address address)
    {
        this.text = text;
        this.address = address;
        this.upChain = address.scheme() == Address.Scheme.UP ? RegionCode.chain(address.value()) : null;
    }

    public static Destination parse(final String text) throws AddressException
    {
        return new Destination(text, Address.parse(text));
    }

    public String text()
    {
        return text;
    }

    public Address address()
    {
        return address;
    }

    /** For {@code up:} addresses: the region codes from the province down to the addressed region. */
    public String[] upChain()
    {
        return upChain;
    }
}
