package io.agentpolicy.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A canonical managed-settings.json: its UTF-8 bytes, the same as text, and "sha256:" + the bytes' lowercase hex
 * digest (the agentpolicy.io/settings-hash annotation).
 */
public record RenderedSettings(byte[] bytes, String json, String sha256) {

    public RenderedSettings {
        bytes = bytes.clone();
    }

    static RenderedSettings of(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        try {
            String digest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            return new RenderedSettings(bytes, json, "sha256:" + digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** A copy of the bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }
}
