package io.emcomm.console;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Headless Debian Chromium driven by its chromedriver, with a fresh profile, no background traffic, and every
 * host name but loopback unresolvable (so a page that needed the internet would visibly fail to load).
 */
final class Browser
{
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private Browser()
    {
    }

    /** Skips the calling test, with the reason, where Chromium or its driver is not installed. */
    static void assumeInstalled()
    {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
            "browser tests skipped: " + CHROMIUM + " or " + CHROMEDRIVER +
            " is missing (apt-get install chromium chromium-driver; .ci/run does it)");
    }

    static ChromeDriver start(final Path profile)
    {
        final ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1500,1000", "--lang=zh-CN",
            "--autoplay-policy=no-user-gesture-required",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE 127.0.0.1");
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
        return new ChromeDriver(service, options);
    }

    /** Saves what the page shows under target/screenshots/NAME.png. */
    static Path screenshot(final ChromeDriver driver, final String name) throws IOException
    {
        final Path dir = Path.of("target", "screenshots");
        Files.createDirectories(dir);
        final File shot = driver.getScreenshotAs(OutputType.FILE);
        final Path to = dir.resolve(name + ".png");
        Files.copy(shot.toPath(), to, StandardCopyOption.REPLACE_EXISTING);
        return to;
    }
}
