package io.emcomm.protocol.envelope;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.wire.Envelope;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;

import static io.emcomm.protocol.envelope.SampleEnvelopeBytes.deepEnvelope;
import static io.emcomm.protocol.envelope.SampleEnvelopeBytes.lengthDelimited;
import static io.emcomm.protocol.envelope.SampleEnvelopeBytes.nestedGroups;
import static io.emcomm.protocol.envelope.SampleEnvelopeBytes.tag;
import static io.emcomm.protocol.envelope.SampleEnvelopeBytes.varint;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The validator against its oracle, protobuf-java itself: for valid envelopes of every shape and for thousands of
 * mutated and hand-made ones, {@code problem(...) == null} exactly when {@code Envelope.parseFrom} succeeds. Every
 * case is checked three ways: from an array, from a heap buffer at an offset between guard bytes, and from a direct
 * buffer at an offset.
 */
final class EnvelopeValidatorTest
{
    private static final long SEED = 0x5EED_2026_1128L;
    /** Guard bytes around the envelope in a buffer: an invalid tag, so reading them would fail a valid envelope. */
    private static final byte[] GUARD = {0x00, (byte)0xFF, 0x07};

    private final EnvelopeValidator validator = new EnvelopeValidator(64);
    /** Not leak-tracked: paranoid leak detection records a stack trace per access, far slower than the checks. */
    private static final UnpooledByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true);

    private final ByteBuf heap = UNTRACKED.heapBuffer(1024);
    private final ByteBuf direct = UNTRACKED.directBuffer(1024);
    private int accepted;
    private int refused;

    @AfterEach
    void release()
    {
        heap.release();
        direct.release();
    }

    @Test
    @Timeout(10)
    void acceptsEveryValidEnvelope()
    {
        final SampleEnvelopeBytes samples = new SampleEnvelopeBytes(SEED);
        for (int i = 0; i < 2_000; i++)
        {
            final byte[] bytes = samples.envelope().toByteArray();
            assertTrue(protobufAccepts(bytes));
            assertAgrees(bytes);
        }
        assertEquals(2_000, accepted);
    }

    @Test
    @Timeout(10)
    void agreesWithProtobufOnMutatedEnvelopes()
    {
        final SampleEnvelopeBytes samples = new SampleEnvelopeBytes(SEED + 1);
        final SplittableRandom random = new SplittableRandom(SEED + 2);
        for (int i = 0; i < 4_000; i++)
        {
            byte[] bytes = samples.envelope().toByteArray();
            final int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++)
            {
                bytes = mutate(bytes, random);
            }
            assertAgrees(bytes);
        }
        // the mutations must exercise both answers, or the test proves little
        assertTrue(accepted > 500, "accepted " + accepted);
        assertTrue(refused > 500, "refused " + refused);
    }

    @Test
    @Timeout(10)
    void refusesInvalidUtf8InEveryStringFieldAtEveryDepth()
    {
        final String[] invalid = {
            "C0 80", "C1 BF", "E0 80 80", "E0 9F BF", "ED A0 80", "ED BF BF", "F0 80 80 80", "F0 8F BF BF",
            "F4 90 80 80", "F5 80 80 80", "FF", "80", "BF", "C2", "E2 82", "F0 9F 98", "C2 41", "E2 41 82", "61 62 80",
            "F8 88 80 80 80", "ED A0 BD ED B8 80",
        };
        final String[] valid = {
            "", "00", "7F", "C2 80", "DF BF", "E0 A0 80", "ED 9F BF", "EE 80 80", "EF BF BF", "F0 90 80 80",
            "F4 8F BF BF", "F0 9F 98 80", "61 62 63 64 65 66 67 68 69 C3 A9",
        };
        for (final String hex : invalid)
        {
            for (final byte[] bytes : inEveryStringField(HexFormat.ofDelimiter(" ").parseHex(hex)))
            {
                assertNotNull(assertAgrees(bytes), hex);
            }
            // long ASCII before the bad bytes takes the eight-at-a-time path first
            final byte[] padded = ("abcdefghijklmnopqrstuvw" + "").getBytes(StandardCharsets.US_ASCII);
            for (final byte[] bytes : inEveryStringField(concat(padded, HexFormat.ofDelimiter(" ").parseHex(hex), padded)))
            {
                assertNotNull(assertAgrees(bytes), hex);
            }
        }
        for (final String hex : valid)
        {
            for (final byte[] bytes : inEveryStringField(HexFormat.ofDelimiter(" ").parseHex(hex)))
            {
                assertNull(assertAgrees(bytes), hex);
            }
        }
        // bytes of an unknown length-delimited field are not looked into
        final ByteArrayOutputStream unknown = new ByteArrayOutputStream();
        lengthDelimited(unknown, 99, new byte[] {(byte)0xC0, (byte)0x80});
        assertNull(assertAgrees(unknown.toByteArray()));
    }

    @Test
    @Timeout(10)
    void refusesNestingPastTheRecursionLimitThroughMessagesAndGroups()
    {
        for (int messages = 0; messages <= 4; messages++)
        {
            for (int total = 95; total <= 105; total++)
            {
                final byte[] bytes = deepEnvelope(messages, total - messages);
                final String problem = assertAgrees(bytes);
                if (total <= EnvelopeValidator.RECURSION_LIMIT)
                {
                    assertNull(problem, messages + " messages, depth " + total);
                }
                else
                {
                    assertEquals(EnvelopeValidator.TOO_DEEP, problem, messages + " messages, depth " + total);
                }
            }
        }
        assertNotNull(assertAgrees(deepEnvelope(4, 10_000)));
    }

    @Test
    @Timeout(10)
    void groupsMustBeClosedByTheirOwnEndGroup()
    {
        final byte[] open = {(byte)0x9B, 0x06}; // START_GROUP field 99
        final byte[] close = {(byte)0x9C, 0x06}; // END_GROUP field 99
        final byte[] closeOther = {(byte)0xA4, 0x06}; // END_GROUP field 100
        assertNull(assertAgrees(concat(open, close)));
        assertEquals(EnvelopeValidator.OPEN_GROUP, assertAgrees(open));
        assertEquals(EnvelopeValidator.MISMATCHED_END_GROUP, assertAgrees(concat(open, closeOther)));
        assertEquals(EnvelopeValidator.STRAY_END_GROUP, assertAgrees(close));
        // an END_GROUP ends a sub-message early: protobuf refuses it there too
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        lengthDelimited(text, 21, close);
        assertEquals(EnvelopeValidator.STRAY_END_GROUP, assertAgrees(text.toByteArray()));
        // a group may not run past the end of the sub-message holding it
        final ByteArrayOutputStream split = new ByteArrayOutputStream();
        lengthDelimited(split, 21, open);
        split.writeBytes(close);
        assertEquals(EnvelopeValidator.OPEN_GROUP, assertAgrees(split.toByteArray()));
        // groups hold any unknown fields, including a known number's bytes with no schema
        final ByteArrayOutputStream inside = new ByteArrayOutputStream();
        lengthDelimited(inside, 1, new byte[] {(byte)0xC0, (byte)0x80});
        tag(inside, 2, 5);
        inside.writeBytes(new byte[4]);
        assertNull(assertAgrees(nestedGroups(3, 1, inside.toByteArray())));
        assertNull(assertAgrees(nestedGroups(1, 536_870_911, new byte[0])));
    }

    @Test
    @Timeout(10)
    void knownFieldsWithAnotherWireTypeAreSkippedAsUnknown()
    {
        final SplittableRandom random = new SplittableRandom(SEED + 3);
        // every field number of Envelope and of its bodies' fields, with every wire type
        final int[] envelopeFields = {1, 2, 3, 4, 5, 6, 7, 20, 21, 22, 23, 24, 25};
        for (int wire = 0; wire <= 7; wire++)
        {
            for (int variant = 0; variant < 4; variant++)
            {
                for (final int number : envelopeFields)
                {
                    final ByteArrayOutputStream out = new ByteArrayOutputStream();
                    field(out, number, wire, random);
                    assertAgrees(out.toByteArray());
                }
                for (final int body : new int[] {20, 21, 22, 23, 24, 25})
                {
                    for (int inner = 1; inner <= 14; inner++)
                    {
                        final ByteArrayOutputStream in = new ByteArrayOutputStream();
                        field(in, inner, wire, random);
                        final ByteArrayOutputStream env = new ByteArrayOutputStream();
                        lengthDelimited(env, body, in.toByteArray());
                        assertAgrees(env.toByteArray());
                    }
                }
            }
        }
        // a double (fixed64) sent as a varint is skipped; a string sent as fixed32 too
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        tag(out, 1, 5);
        out.writeBytes(new byte[] {(byte)0xC0, (byte)0x80, 0, 0});
        assertNull(assertAgrees(out.toByteArray()));
        // but a known string whose wire type matches is checked, and a message is looked into
        final ByteArrayOutputStream text = new ByteArrayOutputStream();
        lengthDelimited(text, 21, new byte[] {0x0F});
        assertEquals(EnvelopeValidator.INVALID_WIRE_TYPE, assertAgrees(text.toByteArray()));
    }

    @Test
    @Timeout(10)
    void tagsVarintsAndLengthsAsProtobufReadsThem()
    {
        assertEquals(EnvelopeValidator.FIELD_ZERO, assertAgrees(new byte[] {0x00}));
        assertEquals(EnvelopeValidator.FIELD_ZERO, assertAgrees(new byte[] {0x02, 0x00}));
        assertEquals(EnvelopeValidator.INVALID_WIRE_TYPE, assertAgrees(new byte[] {0x0E}));
        assertEquals(EnvelopeValidator.INVALID_WIRE_TYPE, assertAgrees(new byte[] {0x0F}));
        assertEquals(EnvelopeValidator.TRUNCATED, assertAgrees(new byte[] {(byte)0x80}));
        assertEquals(EnvelopeValidator.TRUNCATED, assertAgrees(new byte[] {0x10, (byte)0xFF}));
        assertEquals(EnvelopeValidator.TRUNCATED, assertAgrees(new byte[] {0x0A, 0x02, 'a'}));
        assertEquals(EnvelopeValidator.TRUNCATED, assertAgrees(new byte[] {0x0D, 1, 2, 3}));
        assertEquals(EnvelopeValidator.TRUNCATED, assertAgrees(new byte[] {0x09, 1, 2, 3, 4, 5, 6, 7}));
        assertEquals(EnvelopeValidator.NEGATIVE_LENGTH, assertAgrees(hex("0A FF FF FF FF 0F")));
        assertEquals(EnvelopeValidator.NEGATIVE_LENGTH, assertAgrees(hex("AA 01 FF FF FF FF 0F")));
        // ten-byte varints are fine, eleven are not, for values, tags and lengths alike
        assertNull(assertAgrees(hex("10 FF FF FF FF FF FF FF FF FF 01")));
        assertNull(assertAgrees(hex("10 FF FF FF FF FF FF FF FF FF 7F")));
        assertEquals(EnvelopeValidator.MALFORMED_VARINT, assertAgrees(hex("10 FF FF FF FF FF FF FF FF FF 80 01")));
        assertNull(assertAgrees(hex("88 80 80 80 80 80 80 80 80 00 07")));
        assertEquals(EnvelopeValidator.MALFORMED_VARINT, assertAgrees(hex("88 80 80 80 80 80 80 80 80 80 00 07")));
        assertNull(assertAgrees(hex("0A 81 80 80 80 80 80 80 80 80 00 61")));
        // a 64-bit varint's tenth byte ends it if its low bit is set, continuation bit or not (protobuf-java's fast
        // path); 32-bit varints (enum precedence, field 4) are strict
        for (int tenth = 0; tenth < 256; tenth++)
        {
            for (final String tag : new String[] {"10", "20", "38", "78"})
            {
                final byte[] bytes = hex(tag + " 80 80 80 80 80 80 80 80 80 " + String.format("%02x", tenth) + " 1a 00");
                final boolean strict = tenth < 0x80;
                final boolean quirk = !tag.equals("20") && (tenth & 1) == 1;
                assertEquals(strict || quirk, assertAgrees(bytes) == null, tag + " tenth byte " + tenth);
            }
        }
        // a tag of more than 32 bits: protobuf keeps the low 32 (field 1 here), so this is an origin
        assertNull(assertAgrees(hex("8A 80 80 80 10 01 61")));
        assertEquals(EnvelopeValidator.INVALID_UTF8, assertAgrees(hex("8A 80 80 80 10 01 80")));
        // and the low 32 bits of a long varint can make field number 0
        assertEquals(EnvelopeValidator.FIELD_ZERO, assertAgrees(hex("80 80 80 80 10 00")));
        // the largest field number, each wire type, unknown
        for (final String t : new String[] {"F8 FF FF FF 0F 01", "F9 FF FF FF 0F 00 00 00 00 00 00 00 00",
            "FA FF FF FF 0F 00", "FD FF FF FF 0F 00 00 00 00"})
        {
            assertNull(assertAgrees(hex(t)), t);
        }
        assertNull(assertAgrees(new byte[0]));
    }

    @Test
    @Timeout(10)
    void readsDirectAndCompositeBuffersWithoutMovingTheirIndexes()
    {
        final byte[] bytes = new SampleEnvelopeBytes(SEED + 4).envelope().toBuilder()
            .setOrigin("ground-520102001001-17 \u6D2A\u6C34").build().toByteArray();
        final ByteBuf buf = Unpooled.directBuffer(bytes.length + 20).writeZero(7).writeBytes(bytes).writeZero(13);
        buf.readerIndex(3);
        try
        {
            assertNull(validator.problem(buf, 7, bytes.length));
            assertEquals(3, buf.readerIndex());
            assertEquals(bytes.length + 20, buf.writerIndex());
            // the router's own oracle call reads the very same region
            assertTrue(parsesAsTheRouterDoes(buf, 7, bytes.length));
            // larger than the validator's copy buffer so far (64 bytes): it grows
            assertTrue(bytes.length > 64);
        }
        finally
        {
            buf.release();
        }
        final CompositeByteBuf composite = Unpooled.compositeBuffer();
        final int half = bytes.length / 2;
        composite.addComponent(true, Unpooled.wrappedBuffer(bytes, 0, half));
        composite.addComponent(true, Unpooled.directBuffer().writeBytes(bytes, half, bytes.length - half));
        try
        {
            assertNull(validator.problem(composite, 0, bytes.length));
            assertNotNull(validator.problem(composite, 0, bytes.length - 1));
        }
        finally
        {
            composite.release();
        }
    }

    @Test
    @Timeout(10)
    void allocatesNothingOnceWarm()
    {
        final byte[][] envelopes = new byte[64][];
        final SampleEnvelopeBytes samples = new SampleEnvelopeBytes(SEED + 5);
        for (int i = 0; i < envelopes.length; i++)
        {
            envelopes[i] = samples.envelope().toByteArray();
        }
        final ByteBuf buf = UNTRACKED.directBuffer(1 << 16, 1 << 16);
        try
        {
            final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
            final long thread = Thread.currentThread().getId();
            int problems = run(buf, envelopes, 2_000); // warm, and grow the copy buffer to the largest
            final long before = threads.getThreadAllocatedBytes(thread);
            problems += run(buf, envelopes, 20_000);
            final long allocated = threads.getThreadAllocatedBytes(thread) - before;
            assertEquals(0, problems);
            // slack for the measurement and the JIT's own bookkeeping; one object per call would be 320_000 or more
            assertTrue(allocated < 16_000, "allocated " + allocated + " bytes over 20000 calls");
        }
        finally
        {
            buf.release();
        }
    }

    private int run(final ByteBuf buf, final byte[][] envelopes, final int calls)
    {
        int problems = 0;
        for (int i = 0; i < calls; i++)
        {
            final byte[] envelope = envelopes[i % envelopes.length];
            buf.clear().writeBytes(envelope);
            if (validator.problem(buf, 0, envelope.length) != null)
            {
                problems++;
            }
        }
        return problems;
    }

    // ------------------------------------------------------------------ helpers

    /** Asserts the validator agrees with protobuf on every path, and returns its answer. */
    private String assertAgrees(final byte[] bytes)
    {
        final boolean protobuf = protobufAccepts(bytes);
        final String fromArray = validator.problem(bytes, 0, bytes.length);

        heap.clear().writeBytes(GUARD).writeBytes(bytes).writeBytes(GUARD);
        final String fromHeap = validator.problem(heap, GUARD.length, bytes.length);
        direct.clear().writeBytes(GUARD).writeBytes(bytes).writeBytes(GUARD);
        final String fromDirect = validator.problem(direct, GUARD.length, bytes.length);
        if (protobuf != (fromArray == null))
        {
            fail((protobuf ? "protobuf accepts, the validator refuses (" + fromArray + ")" : "protobuf refuses, the validator accepts")
                + ": " + bytes.length + " bytes " + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(bytes.length, 400)));
        }
        assertEquals(fromArray, fromHeap, "heap buffer at an offset");
        assertEquals(fromArray, fromDirect, "direct buffer at an offset");
        assertEquals(protobuf, parsesAsTheRouterDoes(direct, GUARD.length, bytes.length), "protobuf on a direct ByteBuffer");
        assertEquals(GUARD.length * 2 + bytes.length, direct.writerIndex());
        assertEquals(0, direct.readerIndex());
        if (protobuf)
        {
            accepted++;
        }
        else
        {
            refused++;
        }
        return fromArray;
    }

    private static boolean protobufAccepts(final byte[] bytes)
    {
        try
        {
            Envelope.parseFrom(bytes);
            return true;
        }
        catch (final InvalidProtocolBufferException ex)
        {
            return false;
        }
    }

    private static boolean parsesAsTheRouterDoes(final ByteBuf buf, final int offset, final int length)
    {
        try
        {
            Envelope.parser().parseFrom(buf.nioBuffer(offset, length));
            return true;
        }
        catch (final InvalidProtocolBufferException ex)
        {
            return false;
        }
    }

    private static byte[] mutate(final byte[] bytes, final SplittableRandom random)
    {
        final int n = bytes.length;
        switch (random.nextInt(9))
        {
            case 0: // flip bits
            {
                if (n == 0)
                {
                    return bytes;
                }
                final byte[] out = bytes.clone();
                out[random.nextInt(n)] ^= (byte)(1 << random.nextInt(8));
                return out;
            }
            case 1: // replace a byte
            {
                if (n == 0)
                {
                    return bytes;
                }
                final byte[] out = bytes.clone();
                out[random.nextInt(n)] = (byte)random.nextInt(256);
                return out;
            }
            case 2: // truncate
                return java.util.Arrays.copyOf(bytes, random.nextInt(n + 1));
            case 3: // insert random bytes
            {
                final byte[] inserted = new byte[1 + random.nextInt(4)];
                random.nextBytes(inserted);
                return insert(bytes, random.nextInt(n + 1), inserted);
            }
            case 4: // delete a range
            {
                final int from = random.nextInt(n + 1);
                final int to = Math.min(n, from + 1 + random.nextInt(4));
                return concat(java.util.Arrays.copyOfRange(bytes, 0, from), java.util.Arrays.copyOfRange(bytes, to, n));
            }
            case 5: // a bad byte inside the text: a string length that stays right, content that may not be UTF-8
            {
                if (n == 0)
                {
                    return bytes;
                }
                final byte[] out = bytes.clone();
                final int at = random.nextInt(n);
                out[at] = (byte)(0x80 | random.nextInt(0x80));
                return out;
            }
            case 6: // append a crafted field: unknown of any wire type, or a known one with a random payload
            {
                final ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(bytes);
                field(out, random.nextInt(4) == 0 ? 1 + random.nextInt(30) : random.nextInt(3), random.nextInt(8), random);
                return out.toByteArray();
            }
            case 7: // nest in groups at the end
                return concat(bytes, nestedGroups(random.nextInt(120), 1 + random.nextInt(40), new byte[0]));
            default: // duplicate a slice (repeated fields, merged messages)
            {
                final int from = random.nextInt(n + 1);
                final int to = Math.min(n, from + random.nextInt(40));
                return insert(bytes, random.nextInt(n + 1), java.util.Arrays.copyOfRange(bytes, from, to));
            }
        }
    }

    /** Writes field {@code number} with wire type {@code wire} and a payload that is sometimes well-formed. */
    private static void field(final ByteArrayOutputStream out, final int number, final int wire, final SplittableRandom random)
    {
        tag(out, number, wire);
        switch (wire)
        {
            case 0:
                varint(out, random.nextLong() >>> random.nextInt(64));
                break;
            case 1:
                out.writeBytes(new byte[random.nextInt(4) == 0 ? random.nextInt(8) : 8]);
                break;
            case 2:
            {
                final byte[] payload = new byte[random.nextInt(12)];
                random.nextBytes(payload);
                if (random.nextBoolean())
                {
                    for (int i = 0; i < payload.length; i++)
                    {
                        payload[i] &= 0x7F; // ASCII: a valid string, a plausible message
                    }
                }
                varint(out, payload.length + (random.nextInt(6) == 0 ? random.nextInt(-2, 3) : 0));
                out.writeBytes(payload);
                break;
            }
            case 3:
                if (random.nextBoolean())
                {
                    tag(out, number, 4);
                }
                break;
            case 5:
                out.writeBytes(new byte[random.nextInt(4) == 0 ? random.nextInt(4) : 4]);
                break;
            default:
                break;
        }
    }

    /** The envelope with {@code content} as the bytes of each string field in turn, at every nesting depth. */
    private static byte[][] inEveryStringField(final byte[] content)
    {
        final int[][] paths = {
            {1}, {3}, {21, 1}, {22, 1}, {22, 2}, {22, 10}, {22, 11}, {22, 12}, {22, 14}, {22, 13, 1}, {22, 13, 4},
            {23, 1}, {23, 3}, {23, 8}, {23, 9}, {24, 1}, {24, 2}, {24, 3}, {25, 1}, {25, 4},
        };
        final byte[][] envelopes = new byte[paths.length][];
        for (int p = 0; p < paths.length; p++)
        {
            byte[] inner = content;
            for (int level = paths[p].length - 1; level >= 0; level--)
            {
                final ByteArrayOutputStream out = new ByteArrayOutputStream();
                if (level == 0)
                {
                    out.writeBytes(new byte[] {0x10, 0x01}); // a field before, so the string is not at offset 0
                }
                lengthDelimited(out, paths[p][level], inner);
                inner = out.toByteArray();
            }
            envelopes[p] = inner;
        }
        return envelopes;
    }

    private static byte[] hex(final String hex)
    {
        return HexFormat.ofDelimiter(" ").parseHex(hex);
    }

    private static byte[] insert(final byte[] bytes, final int at, final byte[] inserted)
    {
        return concat(java.util.Arrays.copyOfRange(bytes, 0, at), inserted, java.util.Arrays.copyOfRange(bytes, at, bytes.length));
    }

    private static byte[] concat(final byte[]... parts)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (final byte[] part : parts)
        {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
