package io.logstokengateway.api;

import io.logstokengateway.error.GatewayError;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Times arriving in request bodies: ISO-8601 with an explicit offset, nothing looser. */
final class IsoTimes {

    private IsoTimes() {
    }

    /** The instant, {@code null} when absent, or a 400 naming the field. */
    static Instant parseOptional(String field, String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            throw GatewayError.invalid(field + " must be an ISO-8601 date-time with offset, e.g. 2030-01-31T12:00:00Z");
        }
    }
}
