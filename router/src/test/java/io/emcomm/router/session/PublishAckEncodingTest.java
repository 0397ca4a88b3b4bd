package io.emcomm.router.session;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.PublishAck;
import io.emcomm.router.delivery.DeliveryFrames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The hand-written PUBLISH_ACK is byte for byte what protobuf-java writes for the same PublishAck. */
class PublishAckEncodingTest
{
    private static final byte[] ORIGIN = "cp-52".getBytes(StandardCharsets.US_ASCII);

    @Test
    void everyFieldCombinationMatchesProtobuf()
    {
        final String[] unknown = {"terminal:veh-33", "terminal:uva-1", "terminal:not-this-one"};
        for (final boolean duplicate : new boolean[] {false, true})
        {
            for (final int deliveredNow : new int[] {0, 1, 127, 128, 20_000})
            {
                for (int unknownCount = 0; unknownCount <= 2; unknownCount++)
                {
                    final PublishAck expected = PublishAck.newBuilder().setOrigin("cp-52").setOriginSequence(300)
                        .setJournalIndex(4_294_967_297L).setDuplicate(duplicate).setDeliveredNow(deliveredNow)
                        .addAllUnknownTerminals(List.of(unknown).subList(0, unknownCount)).build();
                    final ByteBuf want = Frames.encode(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, FrameType.PUBLISH_ACK, expected);
                    final ByteBuf got = Unpooled.buffer();
                    try
                    {
                        DeliveryFrames.writePublishAck(got, ORIGIN, 300, 4_294_967_297L, duplicate, deliveredNow, unknown, unknownCount);
                        assertEquals(ByteBufUtil.hexDump(want), ByteBufUtil.hexDump(got), expected.toString());
                    }
                    finally
                    {
                        want.release();
                        got.release();
                    }
                }
            }
        }
    }
}
