package io.emcomm.client;

import io.emcomm.protocol.wire.TerminalKind;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ClientOptions.Builder#routers}, {@link ClientOptions#parseRouters} and how they sit with {@code router(host, port)}. */
class RouterListOptionsTest
{
    private static ClientOptions.Builder terminal()
    {
        return ClientOptions.builder().terminal("uav-7", TerminalKind.AIR, "520102");
    }

    @Test
    void aListIsKeptInOrderAndHostAndPortNameItsFirstRouter()
    {
        final InetSocketAddress a = InetSocketAddress.createUnresolved("node-a", 7400);
        final InetSocketAddress b = new InetSocketAddress("127.0.0.1", 7410);
        final ClientOptions options = terminal().routers(List.of(a, b)).build();
        assertEquals(List.of(a, b), options.routers());
        assertEquals("node-a", options.host());
        assertEquals(7400, options.port());
        assertEquals(List.of(a, b), options.toBuilder().build().routers(), "toBuilder keeps the list");
        assertTrue(options.toString().contains(" @ node-a:7400,127.0.0.1:7410,"), options.toString());
    }

    @Test
    void routerHostPortIsAListOfOneAndReplacesAList()
    {
        final ClientOptions one = terminal().routers(List.of(InetSocketAddress.createUnresolved("node-a", 7400)))
            .router("10.52.0.1", 7402).build();
        assertEquals(List.of(InetSocketAddress.createUnresolved("10.52.0.1", 7402)), one.routers());
        assertEquals("10.52.0.1", one.host());
        assertEquals(7402, one.port());
        final ClientOptions byDefault = terminal().build();
        assertEquals(List.of(InetSocketAddress.createUnresolved(ClientOptions.DEFAULT_HOST, ClientOptions.DEFAULT_PORT)),
            byDefault.routers());
        assertEquals("router port 70000 is not in 1..65535",
            assertThrows(IllegalArgumentException.class, () -> terminal().router("h", 70000).build()).getMessage());
    }

    @Test
    void anEmptyOrHoleyListIsRefused()
    {
        assertEquals("a client needs at least one router",
            assertThrows(IllegalArgumentException.class, () -> terminal().routers(List.of())).getMessage());
        assertEquals("a client needs at least one router",
            assertThrows(IllegalArgumentException.class, () -> terminal().routers(null)).getMessage());
        assertEquals("the router list holds a null entry", assertThrows(IllegalArgumentException.class,
            () -> terminal().routers(Arrays.asList(InetSocketAddress.createUnresolved("a", 1), null))).getMessage());
    }

    @Test
    void aWrittenListParsesEntryByEntryAndABadEntryIsNamed()
    {
        assertEquals(List.of(InetSocketAddress.createUnresolved("node-a", 7400), InetSocketAddress.createUnresolved("10.0.0.2", 7401),
                InetSocketAddress.createUnresolved("127.0.0.1", 7402), InetSocketAddress.createUnresolved("::1", 7403)),
            ClientOptions.parseRouters("node-a, 10.0.0.2:7401 ,:7402,[::1]:7403"));
        assertEquals("bad router 'b:http' in 'a:7400,b:http': not HOST:PORT with a port in 1..65535",
            assertThrows(IllegalArgumentException.class, () -> ClientOptions.parseRouters("a:7400,b:http")).getMessage());
        assertEquals("bad router '' in 'a:7400,': not HOST:PORT with a port in 1..65535",
            assertThrows(IllegalArgumentException.class, () -> ClientOptions.parseRouters("a:7400,")).getMessage());
        assertEquals("bad router 'a:70000': not HOST:PORT with a port in 1..65535",
            assertThrows(IllegalArgumentException.class, () -> ClientOptions.parseRouters("a:70000")).getMessage());
        assertEquals("bad router '::1': not HOST:PORT with a port in 1..65535",
            assertThrows(IllegalArgumentException.class, () -> ClientOptions.parseRouters("::1")).getMessage());
        assertEquals("no router given (HOST:PORT[,HOST:PORT...])",
            assertThrows(IllegalArgumentException.class, () -> ClientOptions.parseRouters(" ")).getMessage());
    }
}
