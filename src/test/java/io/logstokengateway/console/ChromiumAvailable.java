package io.logstokengateway.console;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;

/** Runs browser tests only where Debian's Chromium is installed; elsewhere they are skipped, saying why. */
public final class ChromiumAvailable implements ExecutionCondition {

    public static final Path CHROMIUM = Path.of(System.getProperty("chromium.path", "/usr/bin/chromium"));

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return Files.isExecutable(CHROMIUM)
                ? ConditionEvaluationResult.enabled("Chromium found at " + CHROMIUM)
                : ConditionEvaluationResult.disabled("Browser tests skipped: no Chromium at " + CHROMIUM
                        + " (apt-get install chromium, as .ci/run does, or set -Dchromium.path)");
    }
}
