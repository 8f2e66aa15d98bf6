package io.agentpolicy.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Command-line options of the form --name value (a repeated name collects several values). */
final class Options {
    private final Map<String, List<String>> values = new HashMap<>();

    Options(String[] args, int from) {
        for (int i = from; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            values.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
        }
    }

    String text(String name) {
        List<String> given = values.get(name);
        if (given == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return given.get(given.size() - 1);
    }

    String text(String name, String fallback) {
        return values.containsKey(name) ? text(name) : fallback;
    }

    int number(String name, int fallback) {
        return values.containsKey(name) ? Integer.parseInt(text(name)) : fallback;
    }

    Path path(String name) {
        return Path.of(text(name));
    }

    List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    boolean has(String name) {
        return values.containsKey(name);
    }
}
