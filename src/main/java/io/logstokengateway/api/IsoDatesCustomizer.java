package io.logstokengateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Times leave the API as ISO-8601 strings ({@code 2026-11-28T04:05:06.123456Z}), never as epoch numbers: OVHcloud
 * clients parse them as dates. Quarkus already defaults to this; stating it here keeps the contract from depending
 * on a property someone could change. Only serialisation is touched: the strict reading of request bodies is
 * confined to the API's own calls ({@link StrictJsonReader}) so other users of the shared mapper are unaffected.
 */
@Singleton
public class IsoDatesCustomizer implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }
}
