package io.logstokengateway.testsupport;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips (rather than fails) the tests against the real Graylog when the build was told to leave Graylog out
 * ({@code -Dgraylog.skip}, passed on to the tests by the pom). Use with {@code @ExtendWith(GraylogAvailability.class)}.
 */
public class GraylogAvailability implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (Boolean.parseBoolean(System.getProperty("graylog.skip", "false"))) {
            return ConditionEvaluationResult.disabled("Graylog was left out of the build (-Dgraylog.skip); build without it"
                    + " to run the tests against a real Graylog");
        }
        return ConditionEvaluationResult.enabled("Graylog is part of the build");
    }
}
