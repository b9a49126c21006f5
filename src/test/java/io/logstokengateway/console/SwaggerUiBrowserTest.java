package io.logstokengateway.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.logstokengateway.testsupport.GraylogResource;
import io.logstokengateway.testsupport.OpenSearchResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Swagger UI, the one page of the management listener built by Quarkus with inline script and style, still works in a
 * real browser under the Content-Security-Policy it is served with, and the browser reports no violation.
 */
@QuarkusTest
@QuarkusTestResource(OpenSearchResource.class)
@QuarkusTestResource(GraylogResource.class)
@ExtendWith(ChromiumAvailable.class)
class SwaggerUiBrowserTest {

    @TestHTTPResource("/q/swagger-ui/")
    URL swaggerUi;

    @Test
    void swaggerUiRendersTheApiUnderItsContentSecurityPolicy() {
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(ChromiumAvailable.CHROMIUM)
                     .setHeadless(true).setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage")))) {
            Page page = browser.newPage();
            List<String> violations = new CopyOnWriteArrayList<>();
            page.onConsoleMessage(message -> {
                if (message.text().contains("Content Security Policy")) {
                    violations.add(message.text());
                }
            });
            page.navigate(swaggerUi.toString());
            assertThat(page.locator(".opblock-summary-path").first()).isVisible();
            assertThat(page.locator("body")).containsText("/dbaas/logs/{serviceName}/token");
            assertEquals(List.of(), violations);
        }
    }
}
