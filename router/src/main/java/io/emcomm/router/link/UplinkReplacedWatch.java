package io.emcomm.router.link;

import com.google.protobuf.InvalidProtocolBufferException;
import io.emcomm.protocol.frame.Frames;
import io.emcomm.protocol.wire.Error;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.router.conn.FrameHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Watches the uplink's frames for an ERROR {@code SESSION_REPLACED} from the parent (docs/protocol.md section 11): the
 * parent ended this link because another login with this router's id replaced it, which for a router almost always
 * means that two routers were started with one id. It tells the {@link UplinkConnector}, which warns once and slows
 * its redials to the longest backoff, so that the two do not take the link from each other several times a second.
 * Every frame passes on unchanged.
 *
 * <p>One instance per dial, in front of the handshake and the link's handler; event loop of the connection. Peeks only
 * at ERROR frames (rare), so the link's hot path gains nothing.
 */
final class UplinkReplacedWatch extends ChannelInboundHandlerAdapter
{
    static final String NAME = "uplink-replaced-watch";

    private final UplinkConnector connector;

    UplinkReplacedWatch(final UplinkConnector connector)
    {
        this.connector = connector;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof ByteBuf frame && frame.isReadable() && Frames.typeOf(frame) == FrameType.ERROR)
        {
            try
            {
                if (Error.parseFrom(FrameHandler.payload(frame)).getCode() == ErrorCode.SESSION_REPLACED)
                {
                    connector.replacedAtParent();
                }
            }
            catch (final InvalidProtocolBufferException ex)
            {
                // the link's handler reports a frame that does not parse
            }
        }
        ctx.fireChannelRead(msg);
    }
}
