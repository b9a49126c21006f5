package io.logstokengateway.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.logstokengateway.error.GatewayError;

import java.lang.reflect.Type;
import java.util.function.BiFunction;

/**
 * Reads the API's request bodies strictly: a typo in a field name, a number where a string is expected or a
 * duplicated key is a 400, not a silently different request. Used through {@code @CustomDeserialization} on each
 * call that takes a body, on a copy of the application's mapper, so the shared mapper keeps Quarkus' lenient
 * defaults for everyone else. Called once per resource method; the reader is cached by Quarkus.
 */
public final class StrictJsonReader implements BiFunction<ObjectMapper, Type, ObjectReader> {

    @Override
    public ObjectReader apply(ObjectMapper applicationMapper, Type bodyType) {
        ObjectMapper strict = applicationMapper.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        strict.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        strict.coercionConfigFor(LogicalType.Enum)
                .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        return strict.readerFor(strict.constructType(bodyType));
    }

    /** An absent body arrives as {@code null}: answer 400 rather than fail further in. */
    static <T> T requireBody(T body) {
        if (body == null) {
            throw GatewayError.invalid("A JSON object body is required");
        }
        return body;
    }
}
