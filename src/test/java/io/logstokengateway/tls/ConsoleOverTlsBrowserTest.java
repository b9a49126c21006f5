package io.logstokengateway.tls;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Response;
import com.microsoft.playwright.options.AriaRole;
import io.logstokengateway.console.ChromiumAvailable;
import io.logstokengateway.e2e.SecretsInLogs;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.ListenerPki;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The console in Chromium over HTTPS. Chromium is told to accept the gateway's key (an SPKI pin, the one exception it
 * allows besides its own trust store) and nothing else; it negotiates HTTP/2 through ALPN, as browsers do.
 */
@QuarkusTest
@TestProfile(ListenerTlsProfile.class)
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
@ExtendWith(ChromiumAvailable.class)
class ConsoleOverTlsBrowserTest {

    static final String SERVICE = "ldp-tb-00071";
    static final String USER = "logs-tb-00071";
    static final String PASSWORD = SecretsInLogs.remember("Console-Over-Tls-Pass-7");

    final ListenerPki pki = ListenerPki.shared();

    @Test
    void signInOverHttpsAndHttp2() throws Exception {
        ListenerTlsTest.operator(pki).provision(SERVICE, USER, PASSWORD, Map.of());
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(ChromiumAvailable.CHROMIUM)
                     .setHeadless(true)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--ignore-certificate-errors-spki-list=" + pki.spkiPin())));
             BrowserContext context = browser.newContext()) {
            Page page = context.newPage();
            Response answer = page.navigate("https://localhost:" + ListenerTlsProfile.managementPort() + "/console");
            assertNotNull(answer);
            assertEquals(200, answer.status());
            assertNotNull(answer.securityDetails(), "a TLS connection");
            assertEquals("h2", page.evaluate("performance.getEntriesByType('navigation')[0].nextHopProtocol"));
            page.getByLabel("Username").fill(USER);
            page.getByLabel("Password").fill(PASSWORD);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in").setExact(true)).click();
            assertThat(page.locator("h1")).hasText(SERVICE);
            assertEquals("https:", page.evaluate("location.protocol"));
        }
    }
}
