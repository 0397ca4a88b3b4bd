package io.emcomm.console;

import io.emcomm.client.Delivery;
import io.emcomm.client.Message;
import io.emcomm.client.PublishResult;
import io.emcomm.protocol.wire.Alert;
import io.emcomm.protocol.wire.Area;
import io.emcomm.protocol.wire.Circle;
import io.emcomm.protocol.wire.Point;
import io.emcomm.protocol.wire.Precedence;
import io.emcomm.protocol.wire.Receipt;
import io.emcomm.protocol.wire.TerminalKind;
import io.emcomm.testing.LeakWatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.openqa.selenium.StaleElementReferenceException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser (headless Chromium) against a real router and a real console: what the duty
 * officer sees and does, and what the router sees of it. Screenshots of each state go to target/screenshots.
 */
@Timeout(120)
@ExtendWith(LeakWatch.class)
class ConsoleBrowserTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path profile;

    private static ChromeDriver driver;

    @TempDir
    Path dir;

    private PostFixture post;

    @BeforeAll
    static void startBrowser()
    {
        Browser.assumeInstalled();
        driver = Browser.start(profile);
    }

    @AfterAll
    static void stopBrowser()
    {
        if (driver != null)
        {
            driver.quit();
        }
    }

    @BeforeEach
    void openConsole() throws Exception
    {
        post = new PostFixture(dir, null);
        driver.get(post.console.url());
        waitFor(WAIT).until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-ready", "true"));
    }

    @AfterEach
    void closeConsole() throws Exception
    {
        driver.get("about:blank"); // closes the page's event stream before the server goes
        post.close();
    }

    private static WebDriverWait waitFor(final Duration timeout)
    {
        final WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(50));
        // the page redraws the map and the panels on every push (the roster every 2 s): an element found a moment
        // ago may be gone; look it up again rather than fail
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    /** The text of the element {@code by} finds now, looked up again if the page redrew it meanwhile. */
    private static String text(final By by)
    {
        return waitFor(WAIT).until(d -> d.findElement(by).getText());
    }

    /** An attribute of the element {@code by} finds now, looked up again if the page redrew it meanwhile. */
    private static String attribute(final By by, final String name)
    {
        return waitFor(WAIT).until(d -> d.findElement(by).getDomAttribute(name));
    }

    @Test
    void aFlashInterruptsUntilTheOfficerAcknowledgesAndTheRouterChasesItMeanwhile() throws Exception
    {
        final PostFixture.Terminal uav = post.terminal("uav-7", TerminalKind.AIR, "520111");
        final PublishResult flash = uav.client().publish(Message.text("花溪水库大坝出现裂缝 dam crack at Huaxi reservoir")
            .to("up:520111").precedence(Precedence.FLASH).wantReceipts(true)).get(10, TimeUnit.SECONDS);

        final By ack = By.id("ack-" + flash.journalIndex());
        final WebElement button = waitFor(Duration.ofSeconds(2)).until(ExpectedConditions.elementToBeClickable(ack));
        assertTrue(driver.findElement(By.id("flash-banner")).isDisplayed());
        assertTrue(text(By.id("flash-list")).contains("花溪水库大坝出现裂缝"));
        Browser.screenshot(driver, "1-flash-banner");

        // Unacknowledged, the router sends it again: the page counts the copy.
        waitFor(Duration.ofMillis(PostFixture.FLASH_TIMEOUT_MS * 3L)).until(ExpectedConditions.presenceOfElementLocated(
            By.cssSelector(".flash-item[data-index='" + flash.journalIndex() + "'] .copies")));
        Browser.screenshot(driver, "2-flash-resent");
        assertFalse(uav.received().stream().anyMatch(d -> d.envelope().hasReceipt()),
            "no receipt before the officer acknowledges");

        driver.findElement(ack).click();
        waitFor(WAIT).until(ExpectedConditions.invisibilityOfElementLocated(By.id("flash-banner")));
        // The router's chase stops: the sender's next receipt is DELIVERED, not the NOT_DELIVERED that follows a
        // second unanswered timeout.
        final Receipt receipt = uav.nextReceipt();
        assertEquals(Receipt.Status.DELIVERED, receipt.getStatus());
        assertEquals("cp-5201", receipt.getTerminalId());
        final WebElement entry = driver.findElement(By.cssSelector("#feed .entry[data-index='" + flash.journalIndex() + "']"));
        assertEquals("2", entry.getDomAttribute("data-copies"));
        assertTrue(entry.findElement(By.cssSelector(".ackstate.done")).isDisplayed());
        Browser.screenshot(driver, "3-flash-acknowledged");
    }

    @Test
    void aPositionReportMovesAMarker() throws Exception
    {
        final PostFixture.Terminal uav = post.terminal("uav-7", TerminalKind.AIR, "520111");
        uav.client().publish(Message.position(26.41, 106.67).to("channel:positions.520111.air")).get(10, TimeUnit.SECONDS);
        final By marker = By.cssSelector("#map [data-terminal='uav-7']");
        waitFor(WAIT).until(ExpectedConditions.attributeToBe(marker, "data-lat", "26.41"));
        final String before = attribute(marker, "transform");
        assertTrue(attribute(marker, "class").contains("air"));

        uav.client().publish(Message.position(26.52, 106.75).to("channel:positions.520111.air")).get(10, TimeUnit.SECONDS);
        waitFor(WAIT).until(ExpectedConditions.attributeToBe(marker, "data-lat", "26.52"));
        assertEquals("106.75", attribute(marker, "data-lon"));
        assertFalse(before.equals(attribute(marker, "transform")), "the marker moved");
        Browser.screenshot(driver, "4-position-moved");
        // Who is there lists uav-7 with its kind (pushed with the next reading of the router's /status).
        waitFor(WAIT).until(d -> d.findElement(By.cssSelector("#heard tr[data-terminal='uav-7']")).getText().startsWith("uav-7 空中"));
    }

    @Test
    void whoIsThereShowsATerminalOnlineThenOfflineWithWhenItWasLastHeardAndTheRoutersHealth() throws Exception
    {
        final PostFixture.Terminal uav = post.terminal("uav-7", TerminalKind.AIR, "520111");
        final By online = By.cssSelector("#heard tr[data-terminal='uav-7'][data-online='true']");
        // The console reads /status every 2 s: online within a few seconds.
        waitFor(Duration.ofSeconds(6)).until(ExpectedConditions.presenceOfElementLocated(online));
        assertTrue(text(online).contains("在线"), text(online));
        assertEquals("true", attribute(By.id("health"), "data-ready"));
        assertTrue(text(By.id("health")).contains("就绪"), text(By.id("health")));
        assertTrue(text(By.id("health")).contains("已连接"), "the post's own link");
        assertEquals(0, driver.findElements(By.cssSelector("#heard tr[data-terminal='cp-5201']")).size(), "not the post itself");
        Browser.screenshot(driver, "8-who-is-there-online");

        final PublishResult said = uav.client().publish(Message.text("返航 returning to base").to("up:520111")).get(10, TimeUnit.SECONDS);
        final By entry = By.cssSelector("#feed .entry[data-index='" + said.journalIndex() + "']");
        waitFor(WAIT).until(ExpectedConditions.presenceOfElementLocated(entry));
        final String saidAt = text(By.cssSelector("#feed .entry[data-index='" + said.journalIndex() + "'] .when"));
        uav.client().close();
        final By offline = By.cssSelector("#heard tr[data-terminal='uav-7'][data-online='false']");
        waitFor(WAIT).until(ExpectedConditions.presenceOfElementLocated(offline));
        final String rowText = text(offline);
        assertTrue(rowText.contains("离线"), rowText);
        final String lastHeard = text(By.cssSelector("#heard tr[data-terminal='uav-7'][data-online='false'] .last-heard"));
        assertTrue(lastHeard.matches("\\d\\d:\\d\\d:\\d\\d") && lastHeard.compareTo(saidAt) >= 0,
            "last heard " + lastHeard + " is a time no earlier than its last message at " + saidAt);
        Browser.screenshot(driver, "9-who-is-there-offline");
        driver.findElement(By.id("lang")).click();
        assertTrue(text(offline).contains("offline"));
        assertTrue(text(By.id("health")).contains("ready"));
        driver.findElement(By.id("lang")).click();
    }

    @Test
    void theKindFilterShowsOnlyMessagesFromThatKindOfTerminal() throws Exception
    {
        final PostFixture.Terminal van = post.terminal("van-12", TerminalKind.GROUND, "520102");
        final PostFixture.Terminal uav = post.terminal("uav-7", TerminalKind.AIR, "520111");
        final PublishResult ground = van.client().publish(Message.text("道路中断 road cut at K12").to("up:520102"))
            .get(10, TimeUnit.SECONDS);
        final PublishResult air = uav.client().publish(Message.text("航拍完成 survey flown").to("up:520111"))
            .get(10, TimeUnit.SECONDS);
        final By groundEntry = By.cssSelector("#feed .entry[data-index='" + ground.journalIndex() + "']");
        final By airEntry = By.cssSelector("#feed .entry[data-index='" + air.journalIndex() + "']");
        waitFor(WAIT).until(ExpectedConditions.presenceOfElementLocated(airEntry));
        // The envelope does not say what kind its origin is; the router's list of connected terminals does.
        waitFor(WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#heard tr[data-terminal='van-12'][data-online='true']")));
        waitFor(WAIT).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#heard tr[data-terminal='uav-7'][data-online='true']")));

        final Select kind = new Select(driver.findElement(By.id("kind-filter")));
        kind.selectByValue("air");
        assertEquals(0, driver.findElements(groundEntry).size(), "the ground terminal's message is hidden");
        assertEquals(1, driver.findElements(airEntry).size(), "the air terminal's message shows");
        Browser.screenshot(driver, "10-kind-filter-air");
        kind.selectByValue("ground");
        assertEquals(1, driver.findElements(groundEntry).size());
        assertEquals(0, driver.findElements(airEntry).size());
        kind.selectByValue("");
        assertEquals(2, driver.findElements(By.cssSelector("#feed .entry")).size());
    }

    @Test
    void theReviewSliderReplaysTheMapAndTheFeedAsTheyWere() throws Exception
    {
        final PostFixture.Terminal uav = post.terminal("uav-7", TerminalKind.AIR, "520111");
        uav.client().publish(Message.position(26.41, 106.67).to("channel:positions.520111.air")).get(10, TimeUnit.SECONDS);
        final PublishResult text = uav.client().publish(Message.text("river over the road at Huaxi").to("up:520111"))
            .get(10, TimeUnit.SECONDS);
        final By marker = By.cssSelector("#map [data-terminal='uav-7']");
        final By entry = By.cssSelector("#feed .entry[data-index='" + text.journalIndex() + "']");
        waitFor(WAIT).until(ExpectedConditions.presenceOfElementLocated(entry));

        driver.findElement(By.id("review-open")).click();
        driver.findElement(By.id("review-load")).click();
        waitFor(WAIT).until(ExpectedConditions.textToBePresentInElementLocated(By.id("review-count"), "2 "));
        assertEquals(1, driver.findElements(entry).size());
        assertEquals(1, driver.findElements(marker).size());
        Browser.screenshot(driver, "7-review-end");

        slide("0"); // the start of the window: nothing had happened yet
        waitFor(WAIT).until(ExpectedConditions.numberOfElementsToBe(entry, 0));
        assertEquals(0, driver.findElements(marker).size());
        slide("1000");
        waitFor(WAIT).until(ExpectedConditions.numberOfElementsToBe(marker, 1));
        assertEquals(1, driver.findElements(entry).size());

        driver.findElement(By.id("review-close")).click();
        assertFalse(driver.findElement(By.id("review-bar")).isDisplayed());
    }

    /** Empties an input as a user does (WebElement.clear() fires no input event). */
    private static void erase(final By input)
    {
        driver.findElement(input).sendKeys(org.openqa.selenium.Keys.chord(org.openqa.selenium.Keys.CONTROL, "a"),
            org.openqa.selenium.Keys.BACK_SPACE);
    }

    private void slide(final String value)
    {
        driver.executeScript("const s = document.getElementById('review-slider'); s.value = arguments[0];" +
            "s.dispatchEvent(new Event('input'));", value);
    }

    @Test
    void aMessageComposedInThePageReachesTheTerminalAndItsReceiptAppears() throws Exception
    {
        final PostFixture.Terminal uav = post.terminal("uav-7", TerminalKind.AIR, "520111");
        new Select(driver.findElement(By.id("c-scheme"))).selectByValue("terminal");
        new Select(driver.findElement(By.id("c-precedence"))).selectByValue("IMMEDIATE");
        driver.findElement(By.id("c-to")).sendKeys("uav-7");
        driver.findElement(By.id("c-text")).sendKeys("立即侦察南明河下游 recon the Nanming downstream");
        driver.findElement(By.id("c-send")).click();

        final Delivery d = uav.next();
        assertEquals("立即侦察南明河下游 recon the Nanming downstream", d.envelope().getText().getText());
        assertEquals(Precedence.IMMEDIATE, d.precedence());
        assertEquals(List.of("terminal:uav-7"), d.destinations());
        waitFor(WAIT).until(ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#sent .sent[data-id='" + d.messageId() + "'] .receipt[data-status='DELIVERED'][data-terminal='uav-7']")));
        Browser.screenshot(driver, "5-sent-with-receipt");

        driver.findElement(By.id("c-to")).clear();
        driver.findElement(By.id("c-to")).sendKeys("region:5200");
        driver.findElement(By.id("c-text")).sendKeys("x");
        driver.findElement(By.id("c-send")).click();
        waitFor(WAIT).until(ExpectedConditions.attributeToBe(By.id("send-result"), "class", "error"));
        assertTrue(text(By.id("send-result")).contains("5200"));
    }

    @Test
    void thePageNeedsNothingBeyondTheConsoleAndSpeaksBothLanguages() throws Exception
    {
        final PostFixture.Terminal county = post.terminal("cp-520102", TerminalKind.COMMAND_POST, "520102");
        scene();
        final Alert flood = Alert.newBuilder().setEvent("洪水 Flood").setUrgency(Alert.Urgency.URGENCY_IMMEDIATE)
            .setSeverity(Alert.Severity.SEVERE).setCertainty(Alert.Certainty.OBSERVED).setHeadline("南明河水位超警戒")
            .setInstruction("沿河群众立即转移 evacuate the riverbank")
            .addAreas(Area.newBuilder().setCircle(Circle.newBuilder()
                .setCentre(Point.newBuilder().setLat(26.57).setLon(106.71)).setRadiusKm(4)))
            .build();
        final PublishResult r = county.client().publish(Message.alert(flood).to("up:520102")
            .precedence(Precedence.IMMEDIATE)).get(10, TimeUnit.SECONDS);
        final By entry = By.cssSelector("#feed .entry[data-index='" + r.journalIndex() + "']");
        waitFor(WAIT).until(ExpectedConditions.presenceOfElementLocated(entry));
        assertEquals("沿河群众立即转移 evacuate the riverbank", driver.findElement(entry).findElement(By.cssSelector(".f-instruction")).getText());
        assertEquals(1, driver.findElements(By.cssSelector("#map ellipse.alert-area")).size());
        assertEquals(3, driver.findElements(By.cssSelector("#feed .entry")).size());
        driver.findElement(By.id("origin-filter")).sendKeys("van-");
        assertEquals(1, driver.findElements(By.cssSelector("#feed .entry")).size(), "only van-12's incident");
        erase(By.id("origin-filter"));
        driver.findElement(By.cssSelector(".prec-filter[value='IMMEDIATE']")).click();
        assertEquals(0, driver.findElements(entry).size(), "IMMEDIATE hidden");
        driver.findElement(By.cssSelector(".prec-filter[value='IMMEDIATE']")).click();
        driver.findElement(By.id("text-filter")).sendKeys("北斗");
        assertEquals(1, driver.findElements(By.cssSelector("#feed .entry")).size(), "only bd-3's text");
        erase(By.id("text-filter"));
        waitFor(WAIT).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#feed .entry"), 3));

        @SuppressWarnings("unchecked")
        final List<String> loaded = (List<String>)driver.executeScript(
            "return performance.getEntriesByType('resource').map(e => e.name).concat([location.href]);");
        assertTrue(loaded.size() >= 5, loaded.toString());
        for (final String url : loaded)
        {
            assertTrue(url.startsWith(post.console.url()), "fetched from outside the console: " + url);
        }

        assertEquals("指挥所控制台", text(By.cssSelector("header [data-i18n='title']")));
        assertEquals(List.of(), driver.executeScript("return [...document.querySelectorAll('[data-i18n]')]" +
            ".filter(e => !e.textContent || e.textContent === e.dataset.i18n).map(e => e.dataset.i18n);"),
            "every label has its Chinese text");
        driver.findElement(By.id("lang")).click();
        assertEquals("command-post console", text(By.cssSelector("header [data-i18n='title']")));
        assertEquals("Guiyang", text(By.id("post-place")));
        Browser.screenshot(driver, "6-english");
        driver.findElement(By.id("lang")).click();
        assertEquals("贵阳市", text(By.id("post-place")));
        // The picture for the README: who is there filled in from the router's /status (the six and cp-520102).
        waitFor(WAIT).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#heard tr[data-online='true']"), 7));
        Browser.screenshot(driver, "0-console");
    }

    /** Terminals of every kind on the map and some traffic in the feed, as a duty officer would see them. */
    private void scene() throws Exception
    {
        final Object[][] field = {
            {"uav-7", TerminalKind.AIR, "520111", 26.43, 106.66},
            {"uav-9", TerminalKind.AIR, "520102", 26.60, 106.80},
            {"bd-3", TerminalKind.SPACE, "520121", 27.02, 106.95},
            {"van-12", TerminalKind.GROUND, "520102", 26.56, 106.70},
            {"van-15", TerminalKind.GROUND, "520181", 26.55, 106.45},
            {"cp-520113", TerminalKind.COMMAND_POST, "520113", 26.68, 106.62},
        };
        for (final Object[] f : field)
        {
            final PostFixture.Terminal t = post.terminal((String)f[0], (TerminalKind)f[1], (String)f[2]);
            t.client().publish(Message.position((double)f[3], (double)f[4])
                .to("channel:positions." + f[2] + "." + io.emcomm.protocol.address.Address.kindName((TerminalKind)f[1])))
                .get(10, TimeUnit.SECONDS);
            if (f[0].equals("van-12"))
            {
                t.client().publish(Message.incident(io.emcomm.protocol.wire.IncidentReport.newBuilder()
                    .setType("landslide 山体滑坡").setRegionCode("520102").setTrapped(3).setInjured(2)
                    .addNeeds("medical").addNeeds("excavator").setDescription("G75 高速 K12 处山体滑坡，3 人被困").build())
                    .to("up:520102").precedence(Precedence.PRIORITY)).get(10, TimeUnit.SECONDS);
            }
            if (f[0].equals("bd-3"))
            {
                t.client().publish(Message.text("北斗链路正常，电量 63% BeiDou link nominal").to("up:520121"))
                    .get(10, TimeUnit.SECONDS);
            }
        }
        waitFor(WAIT).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#map .terminal"), field.length));
    }
}
