package io.emcomm.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Queue;

/** One accepted connection and its dialled counterpart. Touched on the relay's one event loop only. */
final class RelayedPair
{
    private final TcpRelay relay;
    private final Channel client;
    private Channel target;
    /** Buffers read but held back by a stall, per direction. */
    private final Queue<ByteBuf> heldToTarget = new ArrayDeque<>();
    private final Queue<ByteBuf> heldFromTarget = new ArrayDeque<>();
    private boolean clientWantsRead;
    private boolean targetWantsRead;
    private boolean closed;

    RelayedPair(final TcpRelay relay, final Channel client)
    {
        this.relay = relay;
        this.client = client;
    }

    /** Whether the accepted side is still open. */
    boolean isOpen()
    {
        return client.isActive();
    }

    void connect()
    {
        if (target != null || closed)
        {
            return;
        }
        final ChannelFuture f = new Bootstrap().group(client.eventLoop()).channel(NioSocketChannel.class)
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.TCP_NODELAY, true)
            .handler(new Forward(false))
            .connect(new InetSocketAddress("127.0.0.1", relay.targetPort()));
        target = f.channel();
        f.addListener((ChannelFutureListener)done ->
        {
            if (!done.isSuccess())
            {
                close(); // the target is down: the client sees the link drop, as with a router that is not there
                return;
            }
            target.closeFuture().addListener(c -> close());
            client.pipeline().addLast(new Forward(true));
            readClient();
            readTarget();
        });
    }

    void readClient()
    {
        clientWantsRead = true;
        if (relay.mode() == TcpRelay.Mode.OPEN && client.isActive())
        {
            clientWantsRead = false;
            client.read();
        }
    }

    void readTarget()
    {
        targetWantsRead = true;
        if (relay.mode() == TcpRelay.Mode.OPEN && target != null && target.isActive())
        {
            targetWantsRead = false;
            target.read();
        }
    }

    void resume()
    {
        if (closed)
        {
            return;
        }
        if (target == null)
        {
            connect();
            return;
        }
        flushHeld(heldToTarget, target, true);
        flushHeld(heldFromTarget, client, false);
        if (clientWantsRead)
        {
            readClient();
        }
        if (targetWantsRead)
        {
            readTarget();
        }
    }

    private void flushHeld(final Queue<ByteBuf> held, final Channel to, final boolean toTarget)
    {
        ByteBuf b;
        while ((b = held.poll()) != null)
        {
            forward(b, to, toTarget);
        }
    }

    void received(final ByteBuf data, final boolean fromClient)
    {
        if (closed)
        {
            data.release();
            return;
        }
        if (relay.mode() != TcpRelay.Mode.OPEN)
        {
            // a read was already under way when the stall began: hold it back, read nothing more
            (fromClient ? heldToTarget : heldFromTarget).add(data);
            if (fromClient)
            {
                clientWantsRead = true;
            }
            else
            {
                targetWantsRead = true;
            }
            return;
        }
        forward(data, fromClient ? target : client, fromClient);
    }

    private void forward(final ByteBuf data, final Channel to, final boolean toTarget)
    {
        final int bytes = data.readableBytes();
        to.writeAndFlush(data).addListener((ChannelFutureListener)f ->
        {
            if (!f.isSuccess())
            {
                close();
                return;
            }
            relay.forwarded(bytes, toTarget);
            // the next read on the side we just drained, once its data is out: the link's back-pressure
            if (toTarget)
            {
                readClient();
            }
            else
            {
                readTarget();
            }
        });
    }

    void close()
    {
        if (!client.eventLoop().inEventLoop())
        {
            client.eventLoop().execute(this::close);
            return;
        }
        if (closed)
        {
            return;
        }
        closed = true;
        heldToTarget.forEach(ReferenceCountUtil::safeRelease);
        heldFromTarget.forEach(ReferenceCountUtil::safeRelease);
        heldToTarget.clear();
        heldFromTarget.clear();
        client.close();
        if (target != null)
        {
            target.close();
        }
        relay.closed(this);
    }

    /** Reads from one side and hands the bytes to the pair. */
    private final class Forward extends ChannelInboundHandlerAdapter
    {
        private final boolean fromClient;

        Forward(final boolean fromClient)
        {
            this.fromClient = fromClient;
        }

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            received((ByteBuf)msg, fromClient);
        }

        @Override
        public void channelInactive(final ChannelHandlerContext ctx)
        {
            close();
        }

        @Override
        public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
        {
            close(); // a reset connection: the other side sees the link drop
        }
    }
}
