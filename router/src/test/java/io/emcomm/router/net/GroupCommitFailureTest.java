package io.emcomm.router.net;

import io.emcomm.protocol.wire.Envelope;
import io.emcomm.protocol.wire.ErrorCode;
import io.emcomm.protocol.wire.FrameType;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.protocol.wire.Text;
import io.emcomm.router.config.JournalSync;
import io.emcomm.router.journal.ForwardingJournal;
import io.emcomm.router.journal.JournalSyncer;
import io.emcomm.testing.LeakWatch;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.emcomm.router.net.ConnectionFixture.login;
import static io.emcomm.router.net.ConnectionFixture.nextError;
import static io.emcomm.router.net.ConnectionFixture.remainingFrames;
import static io.emcomm.router.net.ConnectionFixture.send;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Group commit when the journal cannot sync (the disk returned EIO to fdatasync): a publish journaled but never
 * synced is not acknowledged; the connection is told INTERNAL and closed, so the client retries it (a journal whose
 * syncer failed refuses appends: JOURNAL_UNAVAILABLE). The connection pipeline on an embedded channel, the syncer
 * faked with a force that fails.
 */
@ExtendWith(LeakWatch.class)
class GroupCommitFailureTest
{
    @TempDir
    Path dir;

    private ConnectionFixture router;
    private JournalSyncer failing;

    @AfterEach
    void close()
    {
        router.close();
        failing.close();
    }

    @Test
    void aPublishWhoseSyncFailedIsNeverAcknowledged() throws Exception
    {
        failing = new JournalSyncer("test-sync", (after, through) ->
        {
            throw new IOException("EIO on the journal disk");
        });
        router = new ConnectionFixture(dir, b -> b.journalSync(JournalSync.BATCH), journal -> new ForwardingJournal(journal)
        {
            @Override
            public JournalSyncer syncer()
            {
                return failing;
            }

            @Override
            public void close()
            {
                // the fixture closes the journal it made
            }
        });
        assertThrows(IllegalStateException.class, () -> failing.awaitDurable(0), "the disk fails the first sync");

        final EmbeddedChannel ch = router.connect();
        login(ch, "van-1", TerminalKind.GROUND, "520102");
        send(ch, FrameType.PUBLISH, Envelope.newBuilder().setOrigin("van-1").setOriginSequence(1)
            .setPrecedence(Precedence.ROUTINE).setCreatedAtMicros(router.clock.getAsLong()).addTo("channel:flood.5201")
            .setText(Text.newBuilder().setText("water rising")).build());

        assertTrue(nextError(ch, ErrorCode.INTERNAL).getMessage().contains("journal sync failed"));
        for (final ConnectionFixture.Frame f : remainingFrames(ch))
        {
            assertFalse(f.type() == FrameType.PUBLISH_ACK_VALUE, "a publish whose sync failed was acknowledged");
        }
        ch.runPendingTasks();
        assertFalse(ch.isActive(), "the connection is closed");
    }
}
