package io.agentpolicy.engine;

import java.nio.charset.StandardCharsets;

/**
 * A canonical managed-settings.json: its UTF-8 bytes, the same as text, and "sha256:" + the bytes' lowercase hex
 * digest (the agentpolicy.io/settings-hash annotation).
 */
public record RenderedSettings(byte[] bytes, String json, String sha256) {

    public RenderedSettings {
        bytes = bytes.clone();
    }

    static RenderedSettings of(String json) {
        return new RenderedSettings(json.getBytes(StandardCharsets.UTF_8), json, Sha256.settingsHash(json));
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }
}
