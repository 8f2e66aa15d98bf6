package io.agentpolicy.operator.config;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;

/**
 * Readiness is down while the API server cannot serve the operator: unreachable, or up without etcd (its /readyz
 * fails). The framework's own check looks at its informers only, which stay "watching" through an outage, so
 * readiness used to stay up while every write failed. /readyz is readable by every user (system:public-info-viewer).
 * The operator's start waits on the same answer ({@link OperatorLifecycle}).
 */
@Readiness
@ApplicationScoped
public class ApiServerReadiness implements HealthCheck {
    static final String NAME = "API server";
    static final Duration TIMEOUT = Duration.ofSeconds(2);

    @Inject
    KubernetesClient client;

    /** Whether the API server answers its /readyz with 200 now. */
    boolean serves() {
        return call().getStatus() == HealthCheckResponse.Status.UP;
    }

    @Override
    public HealthCheckResponse call() {
        try {
            HttpRequest request = client.getHttpClient().newHttpRequestBuilder()
                    .uri(URI.create(client.getMasterUrl().toString()).resolve("/readyz")).timeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .build();
            HttpResponse<String> response = client.getHttpClient().sendAsync(request, String.class)
                    .get(TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            return HealthCheckResponse.named(NAME).status(response.code() == 200)
                    .withData("readyz", response.code()).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthCheckResponse.named(NAME).down().build();
        } catch (Exception e) {
            return HealthCheckResponse.named(NAME).down().withData("error", OneLineReconcileErrors.summary(e)).build();
        }
    }
}
