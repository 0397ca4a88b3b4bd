package io.emcomm.router;

import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.NackReason;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.PublishNack;
import io.emcomm.protocol.wire.SubscriptionAck;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.emcomm.protocol.wire.TerminalKind.COMMAND_POST;
import static io.emcomm.protocol.wire.TerminalKind.GROUND;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Envelopes built to hurt the receivers rather than the router: bodies that no receiver could parse are
 * refused at the edge; unknown fields pass through byte for byte; wildcards cannot be published to or
 * subscribed to without bound.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class HostileEnvelopeTest
{
    @TempDir
    Path dir;

    private static byte[] replace(final byte[] bytes, final byte[] what, final byte[] with)
    {
        for (int i = 0; i + what.length <= bytes.length; i++)
        {
            boolean match = true;
            for (int j = 0; j < what.length && match; j++)
            {
                match = bytes[i + j] == what[j];
            }
            if (match)
            {
                final byte[] out = bytes.clone();
                System.arraycopy(with, 0, out, i, with.length);
                return out;
            }
        }
        throw new AssertionError("pattern not found");
    }

    @Test
    void invalidUtf8InABodyIsRefusedBeforeAnyReceiverSeesIt() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final byte[] good = veh.text("ABCD", Precedence.ROUTINE, "up:520102").build().toByteArray();
            final byte[] bad = replace(good, "ABCD".getBytes(StandardCharsets.US_ASCII),
                new byte[] {(byte)0xFF, (byte)0xFE, (byte)0xC0, (byte)0x80});
            veh.sendRaw(TestTerminal.frameBytes(FrameType.PUBLISH_VALUE, bad));
            final PublishNack nack = veh.expectControl(FrameType.PUBLISH_NACK, PublishNack.parser());
            assertEquals(NackReason.MALFORMED_ENVELOPE, nack.getReason());
            assertTrue(nack.getDetail().contains("UTF-8"), nack.getDetail());
            veh.publish(veh.text("valid", Precedence.ROUTINE, "up:520102").build());
            assertEquals("valid", cp.awaitAndAck().getEnvelope().getText().getText(), "nothing else reached the post");
        }
    }

    @Test
    void nestingPastProtobufsLimitIsRefused() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final Envelope base = veh.text("", Precedence.ROUTINE, "up:520102").clearText().build();
            final ByteArrayOutputStream text = new ByteArrayOutputStream();
            for (int i = 0; i < 200; i++)
            {
                text.write(0x9B); // field 99, start group
                text.write(0x06);
            }
            for (int i = 0; i < 200; i++)
            {
                text.write(0x9C); // field 99, end group
                text.write(0x06);
            }
            final ByteArrayOutputStream envelope = new ByteArrayOutputStream();
            envelope.write(base.toByteArray());
            envelope.write(0xAA); // field 21 (text), length-delimited
            envelope.write(0x01);
            writeVarint(envelope, text.size());
            envelope.write(text.toByteArray());
            veh.sendRaw(TestTerminal.frameBytes(FrameType.PUBLISH_VALUE, envelope.toByteArray()));
            final PublishNack nack = veh.expectControl(FrameType.PUBLISH_NACK, PublishNack.parser());
            assertEquals(NackReason.MALFORMED_ENVELOPE, nack.getReason());
            assertTrue(nack.getDetail().contains("nested deeper than 100"), nack.getDetail());
        }
    }

    @Test
    void unknownFieldsFromANewerClientPassThroughByteForByte() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201");
             TestTerminal veh = TestTerminal.login(router.port(), "veh-1", GROUND, "520102"))
        {
            final Envelope e = veh.text("with extras", Precedence.ROUTINE, "up:520102")
                .setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder()
                    .addField(1000, com.google.protobuf.UnknownFieldSet.Field.newBuilder().addVarint(42).build()).build())
                .build();
            veh.publish(e);
            final Delivery d = cp.awaitAndAck();
            assertEquals(e.toByteString(), d.getEnvelope().toByteString());
            assertEquals(42L, d.getEnvelope().getUnknownFields().getField(1000).getVarintList().get(0));
        }
    }

    @Test
    void wildcardsCannotBePublishedToAndSubscriptionsAreBounded() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal cp = TestTerminal.login(router.port(), "cp-5201", COMMAND_POST, "5201"))
        {
            for (final String to : new String[] {"channel:>", "channel:flood.*", "region:5*", "terminal:*"})
            {
                final PublishNack nack = cp.publishExpectingNack(cp.text("to everyone", Precedence.FLASH, to).build());
                assertEquals(NackReason.BAD_ADDRESS, nack.getReason(), to);
            }
            final List<String> many = new ArrayList<>();
            for (int i = 0; i < 300; i++)
            {
                many.add("channel:t" + i + ".*.>");
            }
            final SubscriptionAck refused = cp.subscribe(many.toArray(new String[0]));
            assertFalse(refused.getOk());
            assertTrue(refused.getDetail().contains("more than 256 subscriptions"), refused.getDetail());
            assertTrue(cp.subscribe("channel:flood.>").getOk(), "the session goes on");
        }
    }

    private static void writeVarint(final ByteArrayOutputStream out, final int value)
    {
        int v = value;
        while ((v & ~0x7F) != 0)
        {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }
}
