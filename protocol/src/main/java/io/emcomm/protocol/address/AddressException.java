package io.emcomm.protocol.address;

/** An address or subscription pattern that does not parse; the message says why. */
public final class AddressException extends Exception
{
    private static final long serialVersionUID = 1L;

    public AddressException(final String message)
    {
        super(message);
    }
}
