package io.agentpolicy.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.agentpolicy.operator.openreports.ReportWriter;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The OpenReports project's own Report CRD, from its Go module at the version hack/openreports-crd.sh pins. */
public final class OpenReportsCrd {
    private OpenReportsCrd() {
    }

    /** Installs it into the test cluster unless it is there. */
    public static void install() {
        KubernetesClient admin = TestCluster.get().admin();
        if (admin.resources(CustomResourceDefinition.class).withName(ReportWriter.CRD_NAME).get() == null) {
            TestCluster.get().installCrds(file());
        }
    }

    /** Deletes it and waits until the API server no longer serves it. */
    public static void remove() {
        KubernetesClient admin = TestCluster.get().admin();
        admin.resources(CustomResourceDefinition.class).withName(ReportWriter.CRD_NAME).delete();
        admin.resources(CustomResourceDefinition.class).withName(ReportWriter.CRD_NAME).waitUntilCondition(crd -> crd == null,
                60, TimeUnit.SECONDS);
    }

    private static Path file() {
        try {
            Process process = new ProcessBuilder("hack/openreports-crd.sh").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String path = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (process.waitFor() != 0) {
                throw new IllegalStateException("hack/openreports-crd.sh failed");
            }
            return Path.of(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run hack/openreports-crd.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
