package io.emcomm.cli;

import io.emcomm.testing.TestPki;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.emcomm.client.ClientOptions;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.router.net.TlsHandshakeFailureHandler;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/security.md's worked examples through the command line's entry point ({@link Main#run}): a router with
 * mutual TLS started from a configuration file, then {@code listen}, {@code send} and {@code replay} with TLS
 * options; clients without a certificate, with the wrong CA or without TLS fail with one line while the router
 * logs why; {@code replay --into} and {@code replay --router} log in with a token (issue 12, kind 7).
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class SecureCliTest
{
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path dir;

    private TestPki pki;
    private final List<Thread> routers = new ArrayList<>();
    private final ListAppender<ILoggingEvent> routerLog = new ListAppender<>();
    private final Logger handshakeLogger = (Logger)LoggerFactory.getLogger(TlsHandshakeFailureHandler.class);

    /** One in-process invocation: exit code and what it printed. */
    record Run(int code, String out, String err)
    {
    }

    private static final class Capture
    {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();

        synchronized String out()
        {
            return out.toString();
        }

        synchronized String err()
        {
            return err.toString();
        }

        Run run(final String... args)
        {
            final int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
            return new Run(code, out().replace("\r", ""), err().replace("\r", ""));
        }

        CompletableFuture<Run> start(final String... args)
        {
            final CompletableFuture<Run> done = new CompletableFuture<>();
            final Thread t = new Thread(() -> done.complete(run(args)), "cli-" + args[0]);
            t.setDaemon(true);
            t.start();
            return done;
        }
    }

    private static Run cli(final String... args)
    {
        return new Capture().run(args);
    }

    @BeforeEach
    void setUp() throws Exception
    {
        // docs/security.md §2: the network's CA, the router's certificate, one certificate per terminal
        pki = new TestPki(dir.resolve("pki"), "Guizhou EmComm CA");
        pki.server("localhost", "127.0.0.1");
        for (final String id : List.of("uav-1", "cp-5201", "emcomm-replay"))
        {
            pki.terminal(id);
        }
        Files.writeString(dir.resolve("terminals.txt"), """
            cp-5201         command-post  5201          -
            uav-1           air           520102        -
            emcomm-replay   ground        99            -
            """);
        routerLog.start();
        handshakeLogger.addAppender(routerLog);
    }

    @AfterEach
    void stopRouters() throws Exception
    {
        handshakeLogger.detachAppender(routerLog);
        for (final Thread t : routers)
        {
            t.interrupt();
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    /** Starts {@code emcomm router --config FILE} in a thread; returns "127.0.0.1:PORT". */
    private String router(final Path config, final Path data)
    {
        final Capture capture = new Capture();
        final Thread t = new Thread(() -> capture.run("router", "--config", config.toString(), "--port", "0", "--data", data.toString()),
            "cli-router");
        t.start();
        routers.add(t);
        return "127.0.0.1:" + awaitMatch(capture::out, LISTENING).group(1);
    }

    private String mtlsRouter() throws Exception
    {
        // the worked example's configuration, with the test's paths and loopback
        final Path config = Files.writeString(dir.resolve("emcomm.properties"), String.join("\n",
            "emcomm.host=127.0.0.1",
            "emcomm.auth.mode=mtls",
            "emcomm.auth.terminals.file=" + dir.resolve("terminals.txt"),
            "emcomm.tls.cert=" + pki.serverCertificate(),
            "emcomm.tls.key=" + pki.serverKey(),
            "emcomm.tls.ca=" + pki.ca(),
            "emcomm.limit.msgs.per.sec=2000",
            "emcomm.limit.bytes.per.sec=4194304", ""));
        return router(config, dir.resolve("data"));
    }

    private List<String> tls(final String id)
    {
        return List.of("--tls-ca", pki.ca().toString(), "--tls-cert", pki.certificate(id).toString(), "--tls-key", pki.key(id).toString());
    }

    private static String[] args(final List<String> first, final List<String> second)
    {
        final List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all.toArray(String[]::new);
    }

    /** The router's one log line about a failed handshake, the {@code n}th (0-based) since the test began. */
    private String routerLogLine(final int n)
    {
        return awaitMatch(() -> routerLog.list.size() > n ? routerLog.list.get(n).getFormattedMessage() : "",
            Pattern.compile("^TLS handshake with .*")).group();
    }

    @Test
    void theMutualTlsWorkedExampleWorksFromTheCommandLine() throws Exception
    {
        final String router = mtlsRouter();

        final Capture listenOut = new Capture();
        final CompletableFuture<Run> listen = listenOut.start(args(List.of("listen", "--router", router, "--id", "cp-5201",
            "--kind", "command-post", "--region", "5201", "--count", "1", "--timeout", "60s", "--json"), tls("cp-5201")));
        awaitMatch(listenOut::err, Pattern.compile("listening as cp-5201"));

        final Run sent = cli(args(List.of("send", "--router", router, "--id", "uav-1", "--kind", "air", "--region", "520102",
            "--to", "terminal:cp-5201", "--precedence", "immediate", "--text", "over mutual TLS"), tls("uav-1")));
        assertEquals(0, sent.code(), sent.err());
        final long index = Long.parseLong(sent.out().trim().split("\\s+")[0]);

        final Run listened = listen.get(30, TimeUnit.SECONDS);
        assertEquals(0, listened.code(), listened.err());
        assertTrue(listened.out().contains("\"index\":" + index + ",") && listened.out().contains("\"text\":\"over mutual TLS\""),
            listened.out());

        final Run replayed = cli(args(List.of("replay", "--router", router, "--origin", "uav-1"), tls("emcomm-replay")));
        assertEquals(0, replayed.code(), replayed.err());
        assertTrue(replayed.out().contains("over mutual TLS"), replayed.out());
        assertTrue(routerLog.list.isEmpty(), "no handshake failed: " + routerLog.list);
    }

    @Test
    void clientsThatCannotProveThemselvesFailWithOneLineAndTheRouterLogsWhy() throws Exception
    {
        final String router = mtlsRouter();
        final List<String> send = List.of("send", "--router", router, "--id", "uav-1", "--kind", "air", "--region", "520102",
            "--to", "terminal:cp-5201", "--text", "anyone?");

        final Run noCertificate = cli(args(send, List.of("--tls-ca", pki.ca().toString())));
        assertEquals(1, noCertificate.code());
        assertEquals("emcomm send: TLS handshake with the router at " + router + " failed: the router requires a client certificate "
            + "(Received fatal alert: bad_certificate)\n", noCertificate.err());
        assertTrue(routerLogLine(0).matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: no client certificate .*"), routerLogLine(0));

        final TestPki other = new TestPki(dir.resolve("other"), "Someone Else's CA");
        final Run wrongCa = cli(args(send, List.of("--tls-ca", other.ca().toString(), "--tls-cert", pki.certificate("uav-1").toString(),
            "--tls-key", pki.key("uav-1").toString())));
        assertEquals(1, wrongCa.code());
        assertEquals("emcomm send: TLS handshake with the router at " + router + " failed: the router's certificate is not signed by a "
            + "CA this client trusts (check the TLS CA file)\n", wrongCa.err());
        assertTrue(routerLogLine(1).matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: the client does not trust the router's "
            + "certificate .*"), routerLogLine(1));

        final Run plain = cli(send.toArray(String[]::new));
        assertEquals(1, plain.code());
        assertEquals("emcomm send: the router at " + router + " closed the connection before welcoming terminal uav-1 "
            + "(if its terminal port uses TLS, give the client the router's CA)\n", plain.err());
        assertTrue(routerLogLine(2).matches("TLS handshake with /127\\.0\\.0\\.1:\\d+ failed: the client does not speak TLS .*"),
            routerLogLine(2));

        final Run missingFile = cli(args(send, List.of("--tls-ca", dir.resolve("nope.pem").toString())));
        assertEquals(2, missingFile.code());
        assertTrue(missingFile.err().startsWith("emcomm send: TLS CA file " + dir.resolve("nope.pem") + " does not exist\n"),
            missingFile.err());
    }

    @Test
    void replayIntoAndFromATokenRouterPassesTheCredential() throws Exception
    {
        // a journal with one message from uav-1, made by a router without authentication
        final String open = router(Files.writeString(dir.resolve("open.properties"), "emcomm.host=127.0.0.1\n"), dir.resolve("exercise"));
        final Run sent = cli("send", "--router", open, "--id", "uav-1", "--kind", "air", "--region", "520102",
            "--to", "up:520102", "--text", "bridge at km 12 gone");
        assertEquals(0, sent.code(), sent.err());
        final Thread exercise = routers.remove(0);
        exercise.interrupt(); // stop it; the journal stays
        exercise.join(TimeUnit.SECONDS.toMillis(30));

        final String[] playbackToken = token("uav-1.replay", "air", "520102");
        final String[] replayToken = token("emcomm-replay", "ground", "99");
        Files.writeString(dir.resolve("tokens.txt"), playbackToken[1] + "\n" + replayToken[1] + "\n");
        final String training = router(Files.writeString(dir.resolve("token.properties"), String.join("\n",
            "emcomm.host=127.0.0.1", "emcomm.auth.mode=token", "emcomm.auth.terminals.file=" + dir.resolve("tokens.txt"), "")),
            dir.resolve("training"));

        final Run refused = cli("replay", "--data", dir.resolve("exercise").toString(), "--origin", "uav-1", "--into", training);
        assertEquals(1, refused.code());
        assertTrue(refused.err().startsWith("emcomm replay: cannot log in to " + training + " as 'uav-1.replay': ")
            && refused.err().contains("AUTHENTICATION_FAILED"), refused.err());

        final Run played = cli("replay", "--data", dir.resolve("exercise").toString(), "--origin", "uav-1", "--into", training,
            "--credential", playbackToken[0]);
        assertEquals(0, played.code(), played.err());
        assertTrue(played.err().contains("re-published 1 message into " + training + " as 1 terminal"), played.err());

        final Run fromRouter = cli("replay", "--router", training, "--origin", "uav-1.replay", "--credential", replayToken[0]);
        assertEquals(0, fromRouter.code(), fromRouter.err());
        assertTrue(fromRouter.out().contains("bridge at km 12 gone"), fromRouter.out());
        assertFalse(cli("replay", "--router", training, "--origin", "uav-1.replay").code() == 0, "no credential, no replay");
    }

    /** {@code emcomm credential}: [token, registry line]. */
    private static String[] token(final String id, final String kind, final String region)
    {
        final Run made = cli("credential", "--id", id, "--kind", kind, "--region", region);
        assertEquals(0, made.code(), made.err());
        final String[] lines = made.out().split("\n");
        return new String[] {lines[0].substring(lines[0].lastIndexOf(' ') + 1), lines[2]};
    }

    @Test
    void theTlsOptionsFallBackToTheEnvironment() throws Exception
    {
        final RouterAccessOptions access = new RouterAccessOptions();
        final Map<String, String> env = Map.of("EMCOMM_CLIENT_TLS_CA", pki.ca().toString(), "EMCOMM_CLIENT_TLS_CERT", pki.certificate("uav-1").toString(),
            "EMCOMM_CLIENT_TLS_KEY", pki.key("uav-1").toString(), "EMCOMM_CLIENT_TLS_VERIFY_HOSTNAME", "false", "EMCOMM_CREDENTIAL", "t0ken");
        access.env = env::get;
        final ClientOptions options = access.apply(ClientOptions.builder().terminal("uav-1", TerminalKind.AIR, "520102")).build();
        assertEquals(pki.ca(), options.tlsCa());
        assertEquals(pki.certificate("uav-1"), options.tlsCertificate());
        assertEquals(pki.key("uav-1"), options.tlsKey());
        assertFalse(options.tlsVerifyHostname());
        assertEquals("t0ken", options.credential());

        access.tlsCa = dir.resolve("given.pem");
        access.credential = "given";
        Files.copy(pki.ca(), access.tlsCa);
        final ClientOptions given = access.apply(ClientOptions.builder().terminal("uav-1", TerminalKind.AIR, "520102")).build();
        assertEquals(access.tlsCa, given.tlsCa(), "an option beats the environment");
        assertEquals("given", given.credential());
    }

    private static Matcher awaitMatch(final Supplier<String> text, final Pattern pattern)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            final Matcher m = pattern.matcher(text.get());
            if (m.find())
            {
                return m;
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("no '" + pattern + "' in: " + text.get());
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
