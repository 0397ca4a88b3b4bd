package io.emcomm.client;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.Precedence;
import io.netty.buffer.ByteBuf;

/**
 * {@link Publisher} to the destination addresses it was made for, kept encoded so that an offer only copies them.
 * The work is the {@link ClientConductor}'s.
 */
final class AddressedPublisher implements Publisher
{
    private final ClientConductor conductor;
    private final byte[][] to;

    AddressedPublisher(final ClientConductor conductor, final byte[][] to)
    {
        this.conductor = conductor;
        this.to = to;
    }

    @Override
    public long offerText(final Precedence precedence, final ByteBuf utf8, final int offset, final int length)
    {
        return conductor.offer(to, precedence, PublishEncoder.TEXT_BODY_FIELD, true, utf8, null, offset, length);
    }

    @Override
    public long offerText(final Precedence precedence, final byte[] utf8, final int offset, final int length)
    {
        return conductor.offer(to, precedence, PublishEncoder.TEXT_BODY_FIELD, true, null, utf8, offset, length);
    }

    @Override
    public long offer(final Precedence precedence, final Envelope.BodyCase body, final ByteBuf encodedBody,
        final int offset, final int length)
    {
        if (body == Envelope.BodyCase.BODY_NOT_SET)
        {
            throw new IllegalArgumentException("a publish needs a body");
        }
        return conductor.offer(to, precedence, body.getNumber(), false, encodedBody, null, offset, length);
    }

    @Override
    public void flush()
    {
        conductor.flush();
    }
}
