package io.emcomm.router.session;

import io.emcomm.router.journal.DedupeWindow;
import io.emcomm.router.security.AccessCache;
import io.emcomm.router.security.PublishRateLimiter;

/**
 * What the sequencer checks and updates for each PUBLISH of one session (protocol.md sections 4.2 and 4.3): the
 * dedupe window of the terminal id as an origin (shared by every session of that id, over restarts), this
 * session's access decisions and this connection's publish budgets. Made once at login. The cache and the
 * limiter are the session's event loop's only; the window is used under the publish lock.
 *
 * @param origin      the terminal id's dedupe window: highest sequence journaled, duplicates
 * @param access      this session's cached authorisation decisions
 * @param rateLimiter this connection's message, byte and FLASH budgets
 */
public record PublishState(DedupeWindow origin, AccessCache access, PublishRateLimiter rateLimiter)
{
}
