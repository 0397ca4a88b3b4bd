package io.emcomm.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How a session ended ({@link ClientConductor#end}): its final state (REPLACED or CLOSED), the connection still
 * open (null when none), the requests still outstanding and the exception they fail with. The
 * {@link ConnectionSupervisor} acts on it outside the conductor's lock.
 */
record SessionEnd(ConnectionState state, RouterProxy link, List<CompletableFuture<?>> outstanding, EmcommException failure)
{
}
