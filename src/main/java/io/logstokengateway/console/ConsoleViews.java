package io.logstokengateway.console;

import io.logstokengateway.registry.ServiceRecord;
import io.logstokengateway.registry.TokenRecord;
import io.quarkus.qute.TemplateData;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** What the console templates show: plain values, formatted once here. */
final class ConsoleViews {

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private ConsoleViews() {
    }

    /** An instant as a person reads it and as {@code <time datetime>} wants it; absent when {@code null}. */
    @TemplateData
    record When(String shown, String iso) {
        static When of(Instant instant) {
            return instant == null ? null : new When(SHOWN.format(instant), instant.toString());
        }
    }

    @TemplateData
    record ServiceView(String serviceName, String username, String displayName, String state, boolean enabled) {
        static ServiceView of(ServiceRecord s) {
            return new ServiceView(s.serviceName(), s.username(), s.displayName(), s.state().name().toLowerCase(java.util.Locale.ROOT),
                    s.state() == ServiceRecord.ServiceState.ENABLED);
        }
    }

    @TemplateData
    record TokenRow(String tokenId, String name, When created, When expires, When lastUsed) {
        static TokenRow of(TokenRecord t) {
            return new TokenRow(t.tokenId(), t.name(), When.of(t.createdAt()), When.of(t.expiresAt()), When.of(t.lastUsedAt()));
        }
    }

    /** The gateway's public addresses; {@code null} where the operator has not configured one. */
    @TemplateData
    record Urls(String graylogApi, String searchApi, String graylogWebui) {
    }

    /** A token just created: its value, shown this once, and how to use it. */
    @TemplateData
    record NewToken(String tokenId, String name, String value, UsageSnippets.Snippets usage) {
    }

    @TemplateData
    record ServicePage(ServiceView service, Urls urls, List<TokenRow> tokens, NewToken newToken, String notice,
                       String error, String draftName, String draftExpires, String minExpires) {
    }
}
