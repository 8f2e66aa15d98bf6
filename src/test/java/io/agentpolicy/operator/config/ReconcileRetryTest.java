package io.agentpolicy.operator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agentpolicy.testing.OperatorTestResource;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Every controller of the packaged operator keeps retrying a failing reconcile, so an outage of any length ends in convergence. */
@QuarkusTest
@QuarkusTestResource(OperatorTestResource.class)
class ReconcileRetryTest {
    /** Failed attempts of a reconcile during a 10-minute outage, at the cap. */
    static final int ATTEMPTS_IN_TEN_MINUTES = (int) (600_000 / ReconcileRetry.MAX_MILLIS);

    @Inject
    Operator operator;

    @Test
    void everyControllerRetriesWithoutEndAtMostFiveSecondsApart() {
        Set<RegisteredController> controllers = operator.getRegisteredControllers();
        assertThat(controllers).hasSize(7);
        for (RegisteredController<?> controller : controllers) {
            RetryExecution retry = controller.getConfiguration().getRetry().initExecution();
            Set<Long> delays = IntStream.range(0, ATTEMPTS_IN_TEN_MINUTES).mapToObj(attempt -> retry.nextDelay())
                    .map(delay -> delay.orElse(-1L)).collect(Collectors.toSet());
            assertThat(delays).as("retry delays of controller %s", controller.getConfiguration().getName())
                    .doesNotContain(-1L).allSatisfy(delay -> assertThat(delay).isBetween(ReconcileRetry.INITIAL_MILLIS, ReconcileRetry.MAX_MILLIS));
        }
    }
}
