package io.agentpolicy.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The CRDs users apply (crds/ and the Helm chart's copy) must be exactly what the Java model generates.
 * After changing the model run hack/update-crds.sh, which reruns this test with -Dcrds.update=true.
 */
class CrdFilesTest {
    static final Path COMMITTED = Path.of("crds");
    static final Path CHART_COPY = Path.of("helm/agent-policy-operator/crds");
    private static final Path GENERATED = Path.of("target/crds");

    @Test
    void committedCrdsMatchTheModel() throws IOException {
        CrdGeneration.generate(GENERATED.toFile());
        if (Boolean.getBoolean("crds.update")) {
            copyGenerated(COMMITTED);
            copyGenerated(CHART_COPY);
        }
        for (Path target : new Path[] { COMMITTED, CHART_COPY }) {
            assertThat(fileNames(target)).as("CRD files in %s", target).isEqualTo(fileNames(GENERATED));
            for (String name : fileNames(GENERATED)) {
                assertThat(Files.readString(target.resolve(name)))
                        .as("%s/%s is out of date: run hack/update-crds.sh and commit the result", target, name)
                        .isEqualTo(Files.readString(GENERATED.resolve(name)));
            }
        }
    }

    private static void copyGenerated(Path target) throws IOException {
        Files.createDirectories(target);
        for (String name : fileNames(GENERATED)) {
            Files.copy(GENERATED.resolve(name), target.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static java.util.List<String> fileNames(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(Path::getFileName).map(Path::toString).filter(n -> n.endsWith(".yml")).sorted().toList();
        }
    }

    static File generatedDirectory() {
        return GENERATED.toFile();
    }
}
