package io.agentpolicy.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The CLI's JSON mapper: reads custom resources from YAML trees and writes --output json documents. */
final class Json {
    /**
     * Unknown fields are ignored when reading, as the API server prunes them before the operator reads an object;
     * the schema check reports them.
     */
    static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }
}
