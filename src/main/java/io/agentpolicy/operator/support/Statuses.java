package io.agentpolicy.operator.support;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Compares statuses by their JSON form, so an unchanged status is never written again. */
public final class Statuses {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Statuses() {
    }

    public static boolean same(Object previous, Object next) {
        return JSON.valueToTree(previous).equals(JSON.valueToTree(next));
    }
}
