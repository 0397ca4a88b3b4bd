package io.emcomm.cli;

import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.TerminalKind;
import org.junit.jupiter.api.Test;

import static io.emcomm.cli.ListeningTerminal.from;
import static io.emcomm.cli.ListeningTerminal.textStartingWith;

/**
 * Issue 16, {@code kill -9}: of the city (the middle router) mid-stream both ways, of the county mid-stream, and the
 * city's kept advertisement of its county after a kill, while the county is away. Nothing acknowledged is lost, nothing
 * arrives twice. See {@link FederationFixture}.
 */
class FederationCrashTest extends FederationFixture
{
    @Test
    void killMinusNineOfTheCityMidStreamLosesNothingAcknowledgedAndDuplicatesNothing() throws Exception
    {
        final Posts p = posts();
        final int half = 40;
        p.village.publishAll(texts(p.village, half, "stream up A", Precedence.ROUTINE, "terminal:" + p.province.id()));
        p.province.publishAll(texts(p.province, half, "stream down A", Precedence.ROUTINE, "region:" + VILLAGE_REGION));
        // mid-stream: the first messages have crossed both hops, the rest are on their way
        p.province.await(textStartingWith("stream up A"), 3, CROSS);
        p.village.await(textStartingWith("stream down A"), 3, CROSS);
        tree.city().kill();

        // both ends keep publishing while the middle router is dead; each publish is acknowledged by its own router
        p.village.publishAll(texts(p.village, half, "stream up B", Precedence.ROUTINE, "terminal:" + p.province.id()));
        p.province.publishAll(texts(p.province, half, "stream down B", Precedence.ROUTINE, "region:" + VILLAGE_REGION));
        tree.restartCity();
        p.city = login(tree.city(), p.city.id(), TerminalKind.COMMAND_POST, "5201"); // its session died with the router

        p.province.await(textStartingWith("stream up "), 2 * half, RECOVER);
        p.village.await(textStartingWith("stream down "), 2 * half, RECOVER);
        p.endMarkersArrived();
        assertOnce(p.province, textStartingWith("stream up "), 2 * half);
        assertOnce(p.village, textStartingWith("stream down "), 2 * half);
    }

    @Test
    void killMinusNineOfTheCountyMidStreamLosesNothingItAcknowledgedAndTheProvinceGetsEachOnce() throws Exception
    {
        final Posts p = posts();
        final int half = 40;
        p.village.publishAll(texts(p.village, half, "county stream A", Precedence.ROUTINE, "terminal:" + p.province.id()));
        p.province.await(textStartingWith("county stream A"), 3, CROSS);
        tree.killAndRestartCounty(); // what it acknowledged and had not yet forwarded waits in its journal
        p.county = login(tree.county(), p.county.id(), TerminalKind.COMMAND_POST, "520102");
        p.village = login(tree.county(), p.village.id(), TerminalKind.GROUND, VILLAGE_REGION); // numbering goes on from WELCOME
        p.village.publishAll(texts(p.village, half, "county stream B", Precedence.ROUTINE, "terminal:" + p.province.id()));

        p.province.await(textStartingWith("county stream "), 2 * half, RECOVER);
        p.endMarkersArrived();
        assertOnce(p.province, textStartingWith("county stream "), 2 * half);
    }

    @Test
    void aCitySelectsForItsCutOffCountyByTheAdvertisementItKeptAcrossAKillMinusNine() throws Exception
    {
        final Posts p = posts();
        awaitFileMentions(tree.province().data().resolve("links").resolve(RouterTree.CITY_ID + ".json"), p.village.id());
        tree.countyLink().cut();
        tree.killAndRestartCity(); // with the county away, the city knows the village only from its own disk
        p.city = login(tree.city(), p.city.id(), TerminalKind.COMMAND_POST, "5201");
        p.province.publish(p.province.text("for the village, kept while Nanming is away", Precedence.IMMEDIATE,
            "terminal:" + p.village.id(), "terminal:" + p.city.id()).build());
        // the city post has it, so the city routed it while the county was still away: by the kept advertisement
        p.city.await(textStartingWith("for the village, kept"), 1, RECOVER);
        tree.countyLink().restore();
        p.village.await(textStartingWith("for the village, kept"), 1, RECOVER);
        p.endMarkersArrived();
        assertOnce(p.village, textStartingWith("for the village, kept"), 1);
    }
}
