package io.emcomm.protocol.envelope;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the wire walk of one message type needs to know about its fields: for each field number, how protobuf-java
 * reads it (its "kind") and, for message and group fields, the table of the nested type. Built once from the
 * descriptors, then immutable and shared by every thread.
 *
 * <p>Field numbers below {@link #DENSE_LIMIT} are looked up in a flat array (the schema's numbers are small);
 * larger ones, which protobuf allows up to 2^29 - 1, by binary search.
 */
final class MessageTable
{
    static final int NONE = 0;
    /** int32, uint32, sint32, enum: wire type 0, read as protobuf's readRawVarint32 reads (strictly 10 bytes). */
    static final int VARINT32 = 1;
    /**
     * int64, uint64, sint64, bool: wire type 0, read as protobuf's readRawVarint64 reads, which accepts a tenth byte
     * with the continuation bit set when its lowest bit is set (its fast path looks only at that bit).
     */
    static final int VARINT64 = 2;
    /** fixed64, sfixed64, double: wire type 1. */
    static final int I64 = 3;
    /** fixed32, sfixed32, float: wire type 5. */
    static final int I32 = 4;
    /** bytes, and strings protobuf does not check (proto2): wire type 2, bounds only. */
    static final int BYTES = 5;
    /** A string protobuf-java checks as UTF-8 (proto3 string): wire type 2. */
    static final int STRING = 6;
    /** A message (and a map entry): wire type 2, walked with its own table. */
    static final int MESSAGE = 7;
    /** A proto2 group (or delimited message): wire type 3 up to the matching END_GROUP. */
    static final int GROUP = 8;
    static final int KIND_MASK = 0x0F;
    /** Repeated scalar: protobuf-java reads it both one element at a time and packed (wire type 2). */
    static final int PACKABLE = 0x10;

    private static final int DENSE_LIMIT = 1024;

    private final String name;
    private final byte[] denseKinds;
    private final MessageTable[] denseChildren;
    private final int[] sparseNumbers;
    private final byte[] sparseKinds;
    private final MessageTable[] sparseChildren;

    private MessageTable(final Descriptor type)
    {
        name = type.getFullName();
        final List<FieldDescriptor> fields = type.getFields();
        int maxDense = -1;
        int sparse = 0;
        for (final FieldDescriptor field : fields)
        {
            if (field.getNumber() < DENSE_LIMIT)
            {
                maxDense = Math.max(maxDense, field.getNumber());
            }
            else
            {
                sparse++;
            }
        }
        denseKinds = new byte[maxDense + 1];
        denseChildren = new MessageTable[maxDense + 1];
        sparseNumbers = new int[sparse];
        sparseKinds = new byte[sparse];
        sparseChildren = new MessageTable[sparse];
        final FieldDescriptor[] byNumber = fields.toArray(new FieldDescriptor[0]);
        Arrays.sort(byNumber, (a, b) -> Integer.compare(a.getNumber(), b.getNumber()));
        int s = 0;
        for (final FieldDescriptor field : byNumber)
        {
            if (field.getNumber() < DENSE_LIMIT)
            {
                denseKinds[field.getNumber()] = (byte)kindOf(field);
            }
            else
            {
                sparseNumbers[s] = field.getNumber();
                sparseKinds[s] = (byte)kindOf(field);
                s++;
            }
        }
    }

    /** The table of {@code root} and, through it, of every message type reachable from its fields. */
    static MessageTable of(final Descriptor root)
    {
        final Map<Descriptor, MessageTable> tables = new IdentityHashMap<>();
        final ArrayDeque<Descriptor> pending = new ArrayDeque<>();
        tables.put(root, new MessageTable(root));
        pending.add(root);
        while (!pending.isEmpty())
        {
            final Descriptor type = pending.poll();
            for (final FieldDescriptor field : type.getFields())
            {
                if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !tables.containsKey(field.getMessageType()))
                {
                    tables.put(field.getMessageType(), new MessageTable(field.getMessageType()));
                    pending.add(field.getMessageType());
                }
            }
        }
        // second pass: the graph may have cycles, so children are linked once every table exists
        for (final Map.Entry<Descriptor, MessageTable> entry : tables.entrySet())
        {
            entry.getValue().link(entry.getKey(), tables);
        }
        return tables.get(root);
    }

    private void link(final Descriptor type, final Map<Descriptor, MessageTable> tables)
    {
        for (final FieldDescriptor field : type.getFields())
        {
            if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE)
            {
                continue;
            }
            final MessageTable child = tables.get(field.getMessageType());
            if (field.getNumber() < DENSE_LIMIT)
            {
                denseChildren[field.getNumber()] = child;
            }
            else
            {
                sparseChildren[Arrays.binarySearch(sparseNumbers, field.getNumber())] = child;
            }
        }
    }

    private static int kindOf(final FieldDescriptor field)
    {
        final int kind;
        switch (field.getType())
        {
            case INT32: case UINT32: case SINT32: case ENUM:
                kind = VARINT32;
                break;
            case INT64: case UINT64: case SINT64: case BOOL:
                kind = VARINT64;
                break;
            case FIXED64: case SFIXED64: case DOUBLE:
                kind = I64;
                break;
            case FIXED32: case SFIXED32: case FLOAT:
                kind = I32;
                break;
            case STRING:
                kind = field.needsUtf8Check() ? STRING : BYTES;
                break;
            case BYTES:
                kind = BYTES;
                break;
            case MESSAGE:
                kind = MESSAGE;
                break;
            case GROUP:
                kind = GROUP;
                break;
            default:
                throw new IllegalArgumentException("unsupported field type " + field.getType() + " of " + field.getFullName());
        }
        return field.isRepeated() && field.isPackable() ? kind | PACKABLE : kind;
    }

    /** The kind of field {@code number} (with {@link #PACKABLE} possibly set), or {@link #NONE} if unknown. */
    int kind(final int number)
    {
        if (number < denseKinds.length)
        {
            return denseKinds[number];
        }
        if (sparseNumbers.length == 0)
        {
            return NONE;
        }
        final int i = Arrays.binarySearch(sparseNumbers, number);
        return i >= 0 ? sparseKinds[i] : NONE;
    }

    /** The table of message or group field {@code number}. */
    MessageTable child(final int number)
    {
        if (number < denseChildren.length)
        {
            return denseChildren[number];
        }
        return sparseChildren[Arrays.binarySearch(sparseNumbers, number)];
    }

    /** The wire type protobuf-java expects for each kind, indexed by kind. */
    static final int[] WIRE_TYPE = {-1, 0, 0, 1, 5, 2, 2, 2, 3};

    @Override
    public String toString()
    {
        return name;
    }
}
