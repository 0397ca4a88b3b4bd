package io.emcomm.router.replay;

import io.netty.channel.Channel;

/**
 * Writes and flushes the REPLAY_END that completes a replay or latest-positions request (protocol.md sections 8.1
 * and 8.2). The network layer's control-frame encoder implements it, so that every control frame is encoded in
 * one place. Called on the channel's event loop.
 */
@FunctionalInterface
public interface ReplayEndWriter
{
    /**
     * @param requestId the request's id
     * @param count     REPLAY_ITEMs sent for it
     * @param lastIndex journal index of the last of them; 0 if none
     * @param damaged   entries in the range skipped because they did not parse; 0 for latest positions
     */
    void replayEnd(Channel channel, long requestId, long count, long lastIndex, long damaged);
}
