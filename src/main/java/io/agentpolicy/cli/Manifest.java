package io.agentpolicy.cli;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentpolicy.cli.YamlDocuments.YamlDocument;

/** One Kubernetes object read from an input file, with where it came from. */
record Manifest(String file, YamlDocument document) {
    static final String UNNAMED = "(unnamed)";

    JsonNode content() {
        return document.content();
    }

    /** The apiVersion, or null when the document has none (or it is not a string). */
    String apiVersion() {
        return text(content().get("apiVersion"));
    }

    /** The kind, or null when the document has none (or it is not a string). */
    String kind() {
        return text(content().get("kind"));
    }

    /** metadata.name, or "(unnamed)" so messages always have a name to show. */
    String name() {
        String name = text(content().path("metadata").get("name"));
        return name == null || name.isEmpty() ? UNNAMED : name;
    }

    /** metadata.namespace, or null. */
    String namespace() {
        return text(content().path("metadata").get("namespace"));
    }

    int line() {
        return document.line();
    }

    int lineOf(String field) {
        return document.lines().lineOf(field);
    }

    /** "PermissionPolicy tier-1 (policies/tier-1.yaml:3)", for messages that point at another object. */
    String where() {
        return kind() + " " + name() + " (" + file + ":" + line() + ")";
    }

    private static String text(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }
}
