package io.agentpolicy.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.agentpolicy.cli.Diagnostic.Severity;
import io.agentpolicy.cli.YamlDocuments.Parsed;
import io.agentpolicy.cli.YamlDocuments.YamlDocument;

/**
 * Reads the files and directories named on the command line into manifests: the one place the CLI touches input
 * files. A directory stands for its .yaml, .yml and .json files, recursively, skipping hidden entries (.git).
 * Problems with what a file says become diagnostics; a file that cannot be read at all stops the command.
 */
final class ManifestLoader {
    /**
     * Files above this size are refused unread. The API server takes at most 3 MiB per request and 1.5 MiB per
     * object, so a bigger file is almost certainly not a set of manifests (a log, an archive, a generated dump).
     */
    static final int MAX_FILE_BYTES = 4 * 1024 * 1024;
    private static final List<String> MANIFEST_EXTENSIONS = List.of(".yaml", ".yml", ".json");

    private ManifestLoader() {
    }

    /** Everything read from some paths: the manifests in order, problems with the files' contents, the files read. */
    record Loaded(List<Manifest> manifests, List<Diagnostic> problems, List<Path> files) {
    }

    static Loaded load(List<Path> paths) throws UsageException {
        List<Manifest> manifests = new ArrayList<>();
        List<Diagnostic> problems = new ArrayList<>();
        List<Path> files = expand(paths);
        for (Path file : files) {
            String name = file.toString();
            byte[] bytes = readBytes(file);
            String text;
            try {
                text = utf8(bytes);
            } catch (NotUtf8 e) {
                problems.add(Diagnostic.inFile(name, e.line, Severity.ERROR, "is not UTF-8 text (byte " + e.offset
                        + "); Kubernetes manifests must be UTF-8"));
                continue;
            }
            Parsed parsed = YamlDocuments.parse(text, MAX_FILE_BYTES);
            parsed.documents().forEach(document -> manifests.add(new Manifest(name, document)));
            if (parsed.problem() != null) {
                problems.add(Diagnostic.inFile(name, parsed.problem().line(), Severity.ERROR, parsed.problem().message()));
            } else if (parsed.documents().isEmpty()) {
                problems.add(Diagnostic.inFile(name, 0, Severity.ERROR, "is empty: it holds no YAML document; "
                        + "remove it or add a manifest"));
            }
        }
        return new Loaded(manifests, problems, files);
    }

    /** One file named by an option, where a directory makes no sense (a session, a namespace file). */
    static Loaded loadFile(Path file) throws UsageException {
        if (Files.isDirectory(file)) {
            throw UsageException.about(file, "is a directory; a file is expected here");
        }
        return load(List.of(file));
    }

    /** The documents of one file that is not a manifest list, e.g. a test file: every problem stops the command. */
    static List<YamlDocument> loadStrict(Path file) throws UsageException {
        Parsed parsed = YamlDocuments.parse(readText(file), MAX_FILE_BYTES);
        if (parsed.problem() != null) {
            throw new UsageException(file + (parsed.problem().line() > 0 ? ":" + parsed.problem().line() : "") + ": "
                    + parsed.problem().message());
        }
        if (parsed.documents().isEmpty()) {
            throw UsageException.about(file, "is empty");
        }
        return parsed.documents();
    }

    /** The text of a file that must be UTF-8, e.g. an expected managed-settings.json. */
    static String readText(Path file) throws UsageException {
        try {
            return utf8(readBytes(file));
        } catch (NotUtf8 e) {
            throw new UsageException(file + ":" + e.line + ": is not UTF-8 text");
        }
    }

    /** The files the paths stand for, each once, in the order given (a directory's files sorted by path). */
    static List<Path> expand(List<Path> paths) throws UsageException {
        Set<Path> files = new LinkedHashSet<>();
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw UsageException.about(path, Files.exists(path, LinkOption.NOFOLLOW_LINKS)
                        ? "is a broken or looping symbolic link" : "no such file or directory");
            }
            if (Files.isDirectory(path)) {
                files.addAll(manifestFilesIn(path));
            } else {
                files.add(path);
            }
        }
        return List.copyOf(files);
    }

    /** The bytes of a file, refusing directories, oversized files and read failures. */
    static byte[] readBytes(Path file) throws UsageException {
        if (Files.isDirectory(file)) {
            throw UsageException.about(file, "is a directory; a file is expected here");
        }
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw UsageException.about(file, String.format(Locale.ROOT, "is %.1f MiB; files over %d MiB are not read "
                        + "(the API server accepts at most 3 MiB per request)", Files.size(file) / 1048576.0, MAX_FILE_BYTES >> 20));
            }
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length > MAX_FILE_BYTES) { // a device or /proc file whose size was not known in advance
                throw UsageException.about(file, "holds more than " + (MAX_FILE_BYTES >> 20) + " MiB; such files are not read");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw UsageException.about(file, "no such file");
        } catch (IOException e) {
            throw UsageException.about(file, "cannot be read: " + (e.getMessage() == null ? "I/O error" : e.getMessage()));
        }
    }

    private static List<Path> manifestFilesIn(Path directory) throws UsageException {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                    return !dir.equals(directory) && isHidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (!isHidden(file) && isManifestName(file)) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw UsageException.about(directory, "cannot be listed: " + e.getMessage());
        }
        found.sort(Comparator.comparing(Path::toString));
        return found;
    }

    private static boolean isHidden(Path path) {
        return path.getFileName() != null && path.getFileName().toString().startsWith(".");
    }

    private static boolean isManifestName(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return MANIFEST_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /** Strict UTF-8, without a leading byte order mark. */
    private static String utf8(byte[] bytes) throws NotUtf8 {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            throw new NotUtf8(bytes, in.position());
        }
        decoder.flush(out);
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** The bytes are not UTF-8 from this offset on. */
    private static final class NotUtf8 extends Exception {
        private final int offset;
        private final int line;

        NotUtf8(byte[] bytes, int offset) {
            super(null, null, false, false);
            this.offset = offset;
            int newlines = 0;
            for (int i = 0; i < offset; i++) {
                newlines += bytes[i] == '\n' ? 1 : 0;
            }
            this.line = newlines + 1;
        }
    }
}
