package io.emcomm.kafka.terminals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.utils.ByteUtils;

/**
 * The value of {@code terminalId|epoch|subs}: the terminal's whole set of durable channel subscriptions after a
 * change (a SUBSCRIBE or UNSUBSCRIBE, or the copy a new owner makes at its claim); an empty set is a record too
 * (everything unsubscribed). The writer's run and a nonce let the writer know its record when it reads it back,
 * which is when it acknowledges the SUBSCRIBE. Encoded as {@code u8 version | varlong instance | varlong nonce |
 * varint count | count × (varint length | utf8)}. Immutable; any thread.
 *
 * @param instance the writing store run's number
 * @param nonce    the write's number in that run (0 for a claim's copy, which nobody waits for)
 * @param patterns the channel patterns (protocol.md section 5.2), in the order they were added
 */
public record SubscriptionsRecord(long instance, long nonce, List<String> patterns)
{
    private static final byte VERSION = 1;

    /** Copies the list. */
    public SubscriptionsRecord
    {
        patterns = List.copyOf(patterns);
    }

    /** @return the encoded value */
    public byte[] encode()
    {
        final List<byte[]> names = new ArrayList<>(patterns.size());
        int size = 1 + 10 + 10 + 5;
        for (final String p : patterns)
        {
            final byte[] n = p.getBytes(StandardCharsets.UTF_8);
            names.add(n);
            size += 5 + n.length;
        }
        final ByteBuffer b = ByteBuffer.allocate(size);
        b.put(VERSION);
        ByteUtils.writeVarlong(instance, b);
        ByteUtils.writeVarlong(nonce, b);
        ByteUtils.writeVarint(names.size(), b);
        for (final byte[] n : names)
        {
            ByteUtils.writeVarint(n.length, b);
            b.put(n);
        }
        return TerminalCodec.bytes(b);
    }

    /**
     * Decodes a value.
     *
     * @param value the bytes
     * @return the record
     * @throws IllegalArgumentException when the bytes are not a subscriptions record of a version this code reads
     */
    public static SubscriptionsRecord decode(final byte[] value)
    {
        final ByteBuffer b = TerminalCodec.open(value, VERSION);
        final long instance = ByteUtils.readVarlong(b);
        final long nonce = ByteUtils.readVarlong(b);
        final int count = ByteUtils.readVarint(b);
        if (count < 0 || count > b.remaining())
        {
            throw new IllegalArgumentException("subscriptions record with " + count + " patterns in " + b.remaining() + " bytes");
        }
        final List<String> patterns = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            final int length = ByteUtils.readVarint(b);
            if (length < 0 || length > b.remaining())
            {
                throw new IllegalArgumentException("subscription pattern of " + length + " bytes in " + b.remaining());
            }
            final byte[] n = new byte[length];
            b.get(n);
            patterns.add(new String(n, StandardCharsets.UTF_8));
        }
        return new SubscriptionsRecord(instance, nonce, patterns);
    }
}
