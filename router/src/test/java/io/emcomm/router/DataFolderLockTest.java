package io.emcomm.router;

import io.emcomm.router.config.StartFailure;
import io.emcomm.protocol.wire.Delivery;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.ReplayRequest;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.crash.ChildRouter;
import io.emcomm.router.journal.JournalVerifier;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12, kind 8: one data folder, one router. A second router on a folder in use (in this JVM or in another
 * process) is refused with "data folder DIR is in use by process N" before it opens anything, and the folder
 * can be used again once the first router stops or is killed with SIGKILL.
 */
@Timeout(120)
class DataFolderLockTest
{
    @TempDir
    Path dir;

    @Test
    void aSecondRouterInTheSameJvmIsRefusedAndTheFirstJournalsOn() throws Exception
    {
        final long me = ProcessHandle.current().pid();
        try (Router first = Router.start(Router.Context.loopback(dir));
             TestTerminal uav = TestTerminal.login(first.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            uav.publish(uav.text("before", Precedence.ROUTINE, "up:520102").build());
            final long last = first.journal().lastIndex();
            final List<Path> files = journalFiles();

            final StartFailure refused = assertThrows(StartFailure.class, () -> Router.start(Router.Context.loopback(dir)));
            assertEquals("data folder " + dir.toAbsolutePath() + " is in use by process " + me, refused.getMessage());
            // and through another spelling of the same folder
            final Path other = dir.resolve("journal").resolve("..");
            assertEquals("data folder " + other.toAbsolutePath().normalize() + " is in use by process " + me,
                assertThrows(StartFailure.class, () -> Router.start(Router.Context.loopback(other))).getMessage());

            assertEquals(last, first.journal().lastIndex(), "the refused router appended nothing");
            assertEquals(files, journalFiles(), "the refused router made no journal file");
            assertEquals(me + "\n", Files.readString(dir.resolve(DataFolder.LOCK_FILE)));
            final long after = uav.publish(uav.text("after", Precedence.ROUTINE, "up:520102").build()).getJournalIndex();
            assertTrue(after > last, "the first router still journals");
        }
        assertEquals("", Files.readString(dir.resolve(DataFolder.LOCK_FILE)), "the pid is cleared on stop");
        try (Router again = Router.start(Router.Context.loopback(dir)))
        {
            assertEquals(2, count(again), "the folder is usable again after a stop, with both messages");
        }
        assertTrue(JournalVerifier.verify(dir.resolve("journal")).ok());
    }

    @Test
    void aLockHeldThroughAnotherChannelOfThisJvmIsReportedAndKept() throws Exception
    {
        // Another class loader (or a bind mount) holding the folder: the JDK throws OverlappingFileLockException,
        // and closing the second channel would drop the holder's lock at the OS level.
        Files.createDirectories(dir);
        try (FileChannel holder = FileChannel.open(dir.resolve(DataFolder.LOCK_FILE), StandardOpenOption.CREATE,
            StandardOpenOption.READ, StandardOpenOption.WRITE);
             FileLock held = holder.lock())
        {
            holder.write(java.nio.ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            final StartFailure refused = assertThrows(StartFailure.class, () -> Router.start(Router.Context.loopback(dir)));
            assertEquals("data folder " + dir.toAbsolutePath() + " is in use by process " + ProcessHandle.current().pid(),
                refused.getMessage());
            assertTrue(held.isValid());
            // the OS lock is still held: a router in another process is refused too
            final AssertionError child = assertThrows(AssertionError.class, () -> ChildRouter.start(dir));
            assertTrue(child.getMessage().contains("is in use by process " + ProcessHandle.current().pid()), child.getMessage());
        }
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            assertTrue(router.port() > 0, "usable once the holder let go");
        }
    }

    @Test
    void aRouterInAnotherProcessHoldsTheFolderUntilItIsKilled() throws Exception
    {
        final ChildRouter child = ChildRouter.start(dir);
        try
        {
            try (TestTerminal uav = TestTerminal.login(child.port(), "uav-1", TerminalKind.AIR, "520102"))
            {
                uav.publish(uav.text("from the child", Precedence.ROUTINE, "up:520102").build());
            }
            final StartFailure refused = assertThrows(StartFailure.class, () -> Router.start(Router.Context.loopback(dir)));
            assertEquals("data folder " + dir.toAbsolutePath() + " is in use by process " + child.pid(), refused.getMessage());
        }
        finally
        {
            child.kill();
        }
        // SIGKILL: no close, no cleanup; the kernel released the lock with the process
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            assertEquals(1, count(router), "the child's message is there, written once");
            assertEquals(ProcessHandle.current().pid() + "\n", Files.readString(dir.resolve(DataFolder.LOCK_FILE)));
        }
        assertTrue(JournalVerifier.verify(dir.resolve("journal")).ok());
    }

    private List<Path> journalFiles() throws Exception
    {
        try (Stream<Path> files = Files.list(dir.resolve("journal")))
        {
            return files.sorted().toList();
        }
    }

    private static int count(final Router router) throws Exception
    {
        try (TestTerminal cp = TestTerminal.login(router.port(), "cp-52", TerminalKind.COMMAND_POST, "52"))
        {
            final List<Delivery> all = cp.replay(ReplayRequest.newBuilder().setRequestId(7).build());
            return all.size();
        }
    }
}
