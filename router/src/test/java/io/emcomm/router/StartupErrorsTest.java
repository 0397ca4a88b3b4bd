package io.emcomm.router;

import io.emcomm.router.config.RouterConfig;
import io.emcomm.router.config.StartFailure;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.config.FileProblem;
import io.emcomm.testing.TestTerminal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Issue 12, kind 9: a router that cannot start says why in one line, naming the thing and the reason, and
 * has touched no data; one that can run without its admin endpoint runs on. Through {@link Router#start},
 * the entry point the command line uses (the command line's own exit codes: clients' RouterStartupTest).
 */
@Timeout(60)
class StartupErrorsTest
{
    @TempDir
    Path dir;

    @Test
    void aTerminalPortInUseFailsBeforeTheJournalIsOpened() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            final int port = taken.getLocalPort();
            final StartFailure failure = assertThrows(StartFailure.class,
                () -> Router.start(new Router.Context().config(RouterConfig.loopback(dir).port(port).build())));
            assertEquals("cannot listen on 127.0.0.1:" + port + ": address already in use", failure.getMessage());
            assertFalse(Files.exists(dir.resolve("journal")), "no journal was opened");
            assertFalse(Files.exists(dir.resolve("cursors")), "no cursor store was opened");
        }
        // and the folder was released: the next start on a free port works
        try (Router router = Router.start(Router.Context.loopback(dir)))
        {
            assertTrue(router.port() > 0);
        }
    }

    @Test
    void aTerminalPortInUseLeavesAnExistingJournalAsItWas() throws Exception
    {
        try (Router router = Router.start(Router.Context.loopback(dir));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            uav.publish(uav.text("kept", Precedence.ROUTINE, "up:520102").build());
        }
        final List<String> before = listing();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1")))
        {
            assertThrows(StartFailure.class, () -> Router.start(new Router.Context()
                    .config(RouterConfig.loopback(dir).port(taken.getLocalPort()).build())));
        }
        assertEquals(before, listing(), "every file of the data folder unchanged (size and time)");
    }

    @Test
    void anAdminPortInUseIsOneWarningAndTheRouterRunsOn() throws Exception
    {
        final Logger root = (Logger)LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        final ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
             Router router = Router.start(new Router.Context()
                     .config(RouterConfig.loopback(dir).adminPort(taken.getLocalPort()).build()));
             TestTerminal uav = TestTerminal.login(router.port(), "uav-1", TerminalKind.AIR, "520102"))
        {
            assertEquals(-1, router.adminPort(), "no admin endpoint");
            assertTrue(uav.publish(uav.text("routing goes on", Precedence.ROUTINE, "up:520102").build()).getJournalIndex() > 0);
            final List<String> warnings = log.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN) && e.getLoggerName().startsWith("io.emcomm"))
                .map(ILoggingEvent::getFormattedMessage)
                .toList();
            assertEquals(List.of("admin endpoint off, the router runs on without it: cannot listen on 127.0.0.1:"
                + taken.getLocalPort() + ": address already in use"), warnings);
            assertTrue(log.list.stream().allMatch(e -> e.getThrowableProxy() == null), "no stack trace");
        }
        finally
        {
            root.detachAppender(log);
        }
    }

    @Test
    void aDataFolderThatIsAFileIsNotADirectory() throws Exception
    {
        final Path file = Files.writeString(dir.resolve("data"), "not a folder");
        assertEquals("cannot create data folder " + file + ": not a directory",
            assertThrows(StartFailure.class, () -> Router.start(Router.Context.loopback(file))).getMessage());
        final Path below = file.resolve("sub");
        assertEquals("cannot create data folder " + below + ": not a directory",
            assertThrows(StartFailure.class, () -> Router.start(Router.Context.loopback(below))).getMessage());
    }

    @Test
    void aDataFolderThatCannotBeWrittenSaysPermissionDenied() throws Exception
    {
        assumeFalse("root".equals(System.getProperty("user.name")), "root writes anywhere: run as another user");
        final Path locked = Files.createDirectory(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        try
        {
            assertEquals("cannot use data folder " + locked + ": permission denied",
                assertThrows(StartFailure.class, () -> Router.start(Router.Context.loopback(locked))).getMessage());
            assertEquals("cannot create data folder " + locked.resolve("data") + ": permission denied",
                assertThrows(StartFailure.class, () -> Router.start(Router.Context.loopback(locked.resolve("data")))).getMessage());
        }
        finally
        {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void fileProblemsAreNamedInTheOperatorsWords()
    {
        assertEquals("permission denied", FileProblem.reason(new AccessDeniedException("/srv/data")));
        assertEquals("no such file", FileProblem.reason(new NoSuchFileException("/etc/emcomm.properties")));
        assertEquals("read-only file system", FileProblem.reason(new FileSystemException("/srv/data/router.lock", null,
            "Read-only file system")));
        assertEquals("not a directory", FileProblem.reason(new FileSystemException("/srv/x/data", null, "Not a directory")));
        assertEquals("is a directory", FileProblem.reason(new java.io.IOException("Is a directory")));
        assertEquals("address already in use", StartFailure.bindReason(
            new java.io.IOException("bind(..) failed with error(-98): Address already in use")));
        assertEquals("address already in use", StartFailure.bindReason(new java.net.BindException("Address already in use")));
        assertEquals("unknown host", StartFailure.bindReason(new java.nio.channels.UnresolvedAddressException()));
    }

    private List<String> listing() throws Exception
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            return files.filter(Files::isRegularFile)
                .filter(f -> !f.getFileName().toString().equals(DataFolder.LOCK_FILE))
                .map(f -> f + " " + size(f) + " " + modified(f))
                .sorted()
                .toList();
        }
    }

    private static long size(final Path f)
    {
        try
        {
            return Files.size(f);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static String modified(final Path f)
    {
        try
        {
            return Files.getLastModifiedTime(f).toString();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
