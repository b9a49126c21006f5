package io.logstokengateway.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import io.logstokengateway.e2e.Gateway;
import io.logstokengateway.e2e.Http;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.proxy.ProxyListeners;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.logstokengateway.testsupport.OpenSearchServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.logstokengateway.e2e.Http.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser (Debian's Chromium, headless, driven by Playwright): sign in, create a token, read its
 * value from the page, use it, delete it from the page, see it refused.
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
@ExtendWith(ChromiumAvailable.class)
class ConsoleBrowserTest {

    static final String SERVICE = "ldp-console-00001";
    static final String USER = "logs-console-00001";
    static final String PASSWORD = SecretsInLogs.remember("Console-Browser-Pass-42");
    static final String INDEX = USER + "-i-app";
    static final Path SCREENSHOT = Path.of("target/console-screenshot.png");
    static final Path PHONE_SCREENSHOT = Path.of("target/console-screenshot-phone.png");

    static Playwright playwright;
    static Browser browser;
    static boolean provisioned;

    @TestHTTPResource("/")
    URL root;

    @Inject
    ProxyListeners listeners;

    @BeforeAll
    static void startBrowser() {
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(ChromiumAvailable.CHROMIUM)
                .setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run")));
    }

    @AfterAll
    static void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        SecretsInLogs.assertNoneIn(SecretsInLogs.TEST_LOG);
    }

    @BeforeEach
    void provisionOnce() {
        if (!provisioned) {
            Gateway.provision(SERVICE, USER, PASSWORD, Map.of("displayName", "Payments team"));
            OpenSearchServer.get().index(INDEX, "1", "{\"message\":\"hello from the console test\",\"timestamp\":\"2026-11-28T00:00:00Z\"}");
            provisioned = true;
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + root.getPort() + path;
    }

    private Page signIn(BrowserContext context) {
        Page page = context.newPage();
        page.navigate(url("/console"));
        page.getByLabel("Username").fill(USER);
        page.getByLabel("Password").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in").setExact(true)).click();
        assertThat(page.locator("h1")).hasText(SERVICE);
        return page;
    }

    private HttpResponse<String> search(String token) {
        return Http.get(listeners.searchPort(), "/" + INDEX + "/_search?q=hello", basic(token, "token"));
    }

    @Test
    void signInCreateUseAndDeleteAToken() {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            context.grantPermissions(List.of("clipboard-read", "clipboard-write"));
            Page page = signIn(context);
            assertThat(page.locator("#service-state")).hasText("enabled");
            assertThat(page.locator(".facts")).containsText(USER);

            page.getByLabel("Name").fill("grafana-prod");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
            Locator valueBox = page.locator("#new-token-value");
            assertThat(valueBox).isVisible();
            String value = SecretsInLogs.remember(valueBox.textContent().strip());
            assertEquals(52, value.length());
            assertThat(page.locator("#usage-curl-search")).containsText(value + ":token");
            assertThat(page.locator("#usage-grafana")).containsText(USER + "-i-*");

            page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOT).setFullPage(true));
            page.locator("[data-copy=new-token-value]").click();
            assertThat(page.locator("[data-copy=new-token-value]")).hasText("Copied");
            assertEquals(value, page.evaluate("navigator.clipboard.readText()"));

            HttpResponse<String> found = search(value);
            assertEquals(200, found.statusCode());
            assertTrue(found.body().contains("hello from the console test"));

            // The value is shown once: a reload shows the list, not the value.
            page.reload();
            assertThat(page.locator("#new-token-value")).hasCount(0);
            Locator row = page.locator("tr", new Page.LocatorOptions().setHasText("grafana-prod"));
            assertThat(row).hasCount(1);

            page.evaluate("window.__sameDocument = true");
            row.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Delete token grafana-prod")).click();
            Locator dialog = page.locator("#confirm-dialog");
            assertThat(dialog).isVisible();
            assertThat(dialog).containsText("grafana-prod");
            page.locator("#confirm-delete").click();
            assertThat(row).hasCount(0);
            assertThat(page.locator("#live")).containsText("deleted");
            assertEquals(true, page.evaluate("window.__sameDocument === true"), "deleted without a full reload");

            assertEquals(401, search(value).statusCode());
        }
    }

    @Test
    void cancellingTheConfirmationKeepsTheToken() {
        String tokenId = Gateway.createToken(SERVICE, "keep-me")[0];
        try (BrowserContext context = browser.newContext()) {
            Page page = signIn(context);
            Locator row = page.locator("tr[data-token-id='" + tokenId + "']");
            row.getByRole(AriaRole.LINK).click();
            page.locator("#cancel-delete").click();
            assertThat(page.locator("#confirm-dialog")).isHidden();
            page.reload();
            assertThat(row).hasCount(1);
        } finally {
            Gateway.deleteToken(SERVICE, tokenId);
        }
    }

    @Test
    void wrongPasswordShowsTheError() {
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            page.getByLabel("Username").fill(USER);
            page.getByLabel("Password").fill("not-the-password");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in").setExact(true)).click();
            assertThat(page.getByRole(AriaRole.ALERT)).hasText(ConsoleLoginResource.FAILED);
            assertTrue(page.url().endsWith("/console/login"));
        }
    }

    @Test
    void phoneSizedScreenShowsTheTokensAsCards() {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions()
                .setViewportSize(390, 844).setDeviceScaleFactor(2).setIsMobile(true).setHasTouch(true))) {
            Page page = signIn(context);
            page.getByLabel("Name").fill("phone-test");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
            SecretsInLogs.remember(page.locator("#new-token-value").textContent().strip());
            page.screenshot(new Page.ScreenshotOptions().setPath(PHONE_SCREENSHOT).setFullPage(true));
            int pageWidth = ((Number) page.evaluate("document.documentElement.scrollWidth")).intValue();
            assertTrue(pageWidth <= 390, "no horizontal scrolling on a phone, page is " + pageWidth + " px wide");
        }
    }

    @Test
    void operatorPicksAServiceThenSignsOut() {
        try (BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            page.navigate(url("/console/login"));
            page.locator("summary").click();
            page.getByLabel("Operator key").fill(Gateway.ADMIN_KEY);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in as operator")).click();
            assertThat(page.locator("h1")).hasText("Services");
            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(java.util.regex.Pattern.compile(SERVICE))).click();
            assertThat(page.locator("h1")).hasText(SERVICE);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
            assertThat(page.locator("h1")).hasText("Sign in");
            page.navigate(url("/console/services/" + SERVICE));
            assertThat(page.locator("h1")).hasText("Sign in");
        }
    }
}
