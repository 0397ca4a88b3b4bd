package io.emcomm.router.link;

import io.emcomm.protocol.wire.Advertise;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Hello;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Welcome;
import io.emcomm.router.Router;
import io.emcomm.router.config.RouterConfig;
import io.emcomm.testing.LeakWatch;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The child's end of the uplink against a scripted parent on a plain socket (docs/protocol.md sections 9 and 14): the
 * HELLO it says, the advertisement it sends first, the heartbeats it keeps sending, the parent taken for gone after
 * three silent intervals, a redial after that and after a refusal.
 */
@Timeout(60)
@ExtendWith(LeakWatch.class)
class UplinkHeartbeatTest
{
    @TempDir
    Path dir;

    /** One frame read from the child: its type and payload. */
    private record Frame(int type, byte[] payload)
    {
    }

    private static Frame read(final DataInputStream in) throws IOException
    {
        final int length = in.readInt();
        final int type = in.readUnsignedByte();
        final byte[] payload = new byte[length - 1];
        in.readFully(payload);
        return new Frame(type, payload);
    }

    private static void write(final OutputStream out, final FrameType type, final com.google.protobuf.MessageLite m)
        throws IOException
    {
        out.write(TestTerminal.frameBytes(type.getNumber(), m.toByteArray()));
        out.flush();
    }

    @Test
    void theChildHeartbeatsTakesASilentParentForGoneAndDialsAgain() throws Exception
    {
        try (ServerSocket parent = new ServerSocket(0, 4, InetAddress.getByName("127.0.0.1"));
             Router city = Router.start(new Router.Context().config(RouterConfig.loopback(dir).routerId("city")
                 .region("5201").uplink("127.0.0.1:" + parent.getLocalPort(), "province").uplinkProfile("vsat")
                 .uplinkCredential("t0ken").build())))
        {
            try (Socket link = parent.accept())
            {
                final DataInputStream in = new DataInputStream(link.getInputStream());
                final Frame helloFrame = read(in);
                assertEquals(FrameType.HELLO_VALUE, helloFrame.type());
                final Hello hello = Hello.parseFrom(helloFrame.payload());
                assertEquals("city", hello.getTerminalId());
                assertEquals(TerminalKind.ROUTER, hello.getKind());
                assertEquals("5201", hello.getRegionCode());
                assertEquals("vsat", hello.getLinkProfile());
                assertEquals("t0ken", hello.getCredential());

                write(link.getOutputStream(), FrameType.WELCOME, Welcome.newBuilder().setProtocolVersion(1)
                    .setRouterId("province").setPeerLink(true).setCumulativeDeliveryAck(true).setMaxFrameBytes(65_536)
                    .setHeartbeatIntervalMs(100).build());
                final Frame first = read(in);
                assertEquals(FrameType.ADVERTISE_VALUE, first.type(), "the advertisement comes first");
                assertTrue(Advertise.parseFrom(first.payload()).getReset());

                int heartbeats = 0;
                try
                {
                    while (true)
                    {
                        final Frame f = read(in);
                        if (f.type() == FrameType.HEARTBEAT_VALUE)
                        {
                            heartbeats++;
                        }
                    }
                }
                catch (final EOFException closedByTheChild)
                {
                    // this parent never answered: after three intervals the child closed the link
                }
                assertTrue(heartbeats >= 2, "heartbeats before giving up: " + heartbeats);
            }
            // and dials again; this time the parent refuses it, and it dials again after that too
            try (Socket again = parent.accept())
            {
                assertEquals(FrameType.HELLO_VALUE, read(new DataInputStream(again.getInputStream())).type());
                write(again.getOutputStream(), FrameType.ERROR, Error.newBuilder().setCode(ErrorCode.INVALID_KIND)
                    .setMessage("terminal kind must be AIR, SPACE, GROUND or COMMAND_POST").setFatal(true).build());
            }
            try (Socket third = parent.accept())
            {
                assertEquals(FrameType.HELLO_VALUE, read(new DataInputStream(third.getInputStream())).type());
            }
        }
    }
}
