package io.agentpolicy.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The one SHA-256 of the code base: the settings hash that rendering writes and drift detection checks must agree. */
public final class Sha256 {
    private Sha256() {
    }

    /** Lowercase hex digest of the text's UTF-8 bytes. */
    public static String hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** "sha256:" + the hex digest: the agentpolicy.io/settings-hash annotation of a rendered map. */
    public static String settingsHash(String json) {
        return "sha256:" + hex(json);
    }
}
