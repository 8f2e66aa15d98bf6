package io.agentpolicy.bench;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The API server's ceiling for the operator's job: a plain client sends a list of writes (see {@link WriteSet}) with
 * as many in flight as the operator has reconcile threads, and no logic at all. The client is warmed up first (JIT,
 * connections) on a few hundred other writes: the ceiling is the API server's limit, not a cold client's.
 */
final class Ceiling {
    static final int WARM_UP_WRITES = 200;

    record Result(int writes, Map<String, Long> writesByResource, int concurrency, double seconds, double writesPerSecond) {
    }

    /** One request of a ceiling, and the resource it writes. */
    record Write(String resource, Runnable send) {
    }

    private Ceiling() {
    }

    static Result measure(List<Write> warmUp, List<Write> writes, int concurrency) {
        send(warmUp.subList(0, Math.min(WARM_UP_WRITES, warmUp.size())), concurrency);
        long start = System.nanoTime();
        send(writes, concurrency);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Long> byResource = new TreeMap<>();
        writes.forEach(write -> byResource.merge(write.resource(), 1L, Long::sum));
        return new Result(writes.size(), byResource, concurrency, seconds, writes.size() / seconds);
    }

    private static void send(List<Write> writes, int concurrency) {
        Parallel.run(concurrency, writes, write -> write.send().run());
    }

    static String sha256(String text) {
        return "sha256:" + sha256Hex(text);
    }

    static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
