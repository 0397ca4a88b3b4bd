package io.emcomm.kafka.terminals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.utils.ByteUtils;

/**
 * The value of a claim ({@code terminalId|claim}): a node accepted the terminal's login and owns it from the
 * record's offset (its epoch) until a newer claim. Encoded as {@code u8 version | varlong instance | varlong nonce |
 * varlong initialCursor | utf8 node} (varlongs zig-zag, Kafka's {@link ByteUtils}). Immutable; any thread.
 *
 * @param node          the router node's id (its {@code emcomm.router.id})
 * @param instance      a random number of the claiming store's run: a node restarted is another claimant
 * @param nonce         the claim's number within that run, so the node finds its own claim when it reads it back
 * @param initialCursor the cursor of a terminal the cluster never saw (the journal's end at login)
 */
public record ClaimRecord(String node, long instance, long nonce, long initialCursor)
{
    private static final byte VERSION = 1;

    /** @return the encoded value */
    public byte[] encode()
    {
        final byte[] name = node.getBytes(StandardCharsets.UTF_8);
        final ByteBuffer b = ByteBuffer.allocate(1 + 30 + name.length);
        b.put(VERSION);
        ByteUtils.writeVarlong(instance, b);
        ByteUtils.writeVarlong(nonce, b);
        ByteUtils.writeVarlong(initialCursor, b);
        b.put(name);
        return TerminalCodec.bytes(b);
    }

    /**
     * Decodes a value.
     *
     * @param value the bytes
     * @return the claim
     * @throws IllegalArgumentException when the bytes are not a claim of a version this code reads
     */
    public static ClaimRecord decode(final byte[] value)
    {
        final ByteBuffer b = TerminalCodec.open(value, VERSION);
        final long instance = ByteUtils.readVarlong(b);
        final long nonce = ByteUtils.readVarlong(b);
        final long initialCursor = ByteUtils.readVarlong(b);
        return new ClaimRecord(StandardCharsets.UTF_8.decode(b).toString(), instance, nonce, initialCursor);
    }

    /**
     * Whether this claim was made by the given store run.
     *
     * @param node     a node id
     * @param instance a store run's number
     * @return true when both match
     */
    public boolean madeBy(final String node, final long instance)
    {
        return this.instance == instance && this.node.equals(node);
    }
}
