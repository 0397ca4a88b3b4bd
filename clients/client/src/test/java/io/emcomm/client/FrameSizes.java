package io.emcomm.client;

import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Envelope;

import java.util.function.IntFunction;

/** Builds messages whose frame has an exact length, for tests at a limit and one byte past it. */
final class FrameSizes
{
    private FrameSizes()
    {
    }

    /**
     * A text message to {@code to} whose PUBLISH frame (type byte + envelope) is exactly {@code frameLength}
     * bytes once the client stamps it as {@code origin} with {@code sequence} (the creation time's varint is
     * 8 bytes for any date this century, so its value does not change the size).
     */
    static Message publishOfFrameLength(final int frameLength, final String origin, final long sequence, final String to)
    {
        final String text = fill(frameLength, n -> Frames.TYPE_BYTES +
            Message.text("x".repeat(n)).to(to).toEnvelope(origin, sequence, ClientClock.SYSTEM.epochMicros()).getSerializedSize());
        return Message.text(text).to(to);
    }

    /** A DELIVERY payload whose frame (type byte + payload) is exactly {@code frameLength} bytes. */
    static io.emcomm.protocol.wire.Delivery deliveryOfFrameLength(final int frameLength, final long index)
    {
        final IntFunction<io.emcomm.protocol.wire.Delivery> build = n -> io.emcomm.protocol.wire.Delivery.newBuilder()
            .setJournalIndex(index).setJournaledAtMicros(ClientClock.SYSTEM.epochMicros())
            .setEnvelope(Message.text("y".repeat(n)).to("terminal:cp-5201").toEnvelope("uav-1", index, ClientClock.SYSTEM.epochMicros()))
            .build();
        final String text = fill(frameLength, n -> Frames.TYPE_BYTES + build.apply(n).getSerializedSize());
        return build.apply(text.length());
    }

    /** The text of the length n for which size(n) == target; a length prefix growing by a byte is stepped over. */
    private static String fill(final int target, final IntFunction<Integer> size)
    {
        int n = Math.max(0, target - size.apply(0));
        for (int i = 0; i < 8; i++)
        {
            final int s = size.apply(n);
            if (s == target)
            {
                return "x".repeat(n);
            }
            n += target - s;
        }
        throw new IllegalArgumentException("no text gives a frame of exactly " + target + " bytes");
    }
}
