package io.agentpolicy.engine;

import java.util.Locale;

/**
 * The name of an engineer's EngineerStanding, derived from their e-mail: a readable DNS-1123 prefix (the local part,
 * lower-cased, other characters as '-') and a short hash of the whole address, so that alice@a.example and
 * alice@b.example (or A.Lice and a-lice) never share a standing.
 */
public final class StandingNames {
    private static final int PREFIX_LENGTH = 40;
    private static final int HASH_LENGTH = 10;

    private StandingNames() {
    }

    public static String of(String engineer) {
        int at = engineer.indexOf('@');
        String local = (at < 0 ? engineer : engineer.substring(0, at)).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        if (local.length() > PREFIX_LENGTH) {
            local = local.substring(0, PREFIX_LENGTH);
        }
        local = local.replaceAll("^-+|-+$", "");
        String hash = Sha256.hex(engineer).substring(0, HASH_LENGTH);
        return (local.isEmpty() ? "engineer" : local) + "-" + hash;
    }
}
