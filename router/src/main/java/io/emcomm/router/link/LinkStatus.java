package io.emcomm.router.link;

/**
 * One peer link as operators see it ({@code /status} {@code links}, {@code emcomm status}, the {@code emcomm_link_*}
 * metrics; docs/operations.md): its state, what this router still has to send the peer, and what crossed since the
 * router started. The other end reports what it has to send this router. A snapshot.
 *
 * @param state   the peer, the direction, the region, connected or not and since when
 * @param backlog what waits here for the peer
 * @param traffic imported, exported and reconnect counts (live: they move on after the snapshot)
 */
public record LinkStatus(Links.LinkState state, LinkBacklog backlog, Links.Traffic traffic)
{
}
