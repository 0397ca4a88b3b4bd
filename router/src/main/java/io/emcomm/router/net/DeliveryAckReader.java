package io.emcomm.router.net;

import io.emcomm.protocol.frame.Frames;
import io.netty.buffer.ByteBuf;

/** Reads journal_index (field 1) of a DELIVERY_ACK frame in place: acks are per message, so no parse objects. */
final class DeliveryAckReader
{
    private DeliveryAckReader()
    {
    }

    /** The index, or -1 when the payload carries no well-formed field 1 varint. */
    static long index(final ByteBuf frame)
    {
        int p = frame.readerIndex() + Frames.TYPE_BYTES;
        final int end = frame.writerIndex();
        long index = -1;
        while (p < end)
        {
            final int tag = frame.getUnsignedByte(p++);
            if (tag == 0x08)
            {
                long value = 0;
                int shift = 0;
                while (true)
                {
                    if (p >= end || shift > 63)
                    {
                        return -1;
                    }
                    final byte b = frame.getByte(p++);
                    value |= (long)(b & 0x7F) << shift;
                    shift += 7;
                    if (b >= 0)
                    {
                        break;
                    }
                }
                index = value;
            }
            else
            {
                return index; // only field 1 is defined; anything else ends the scan
            }
        }
        return index;
    }
}
