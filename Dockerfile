# The operator's container image: the Quarkus fast-jar from `./mvnw package` on a Java 17 runtime, run as a
# non-root user. Build (there is no published image yet):
#   ./mvnw -B package -DskipTests
#   docker build -t ghcr.io/agentpolicy/agent-policy-operator:0.1.0-SNAPSHOT .
# The Helm chart's image.repository / image.tag select it.
FROM eclipse-temurin:17-jre

# uid 185 is what the chart's securityContext runs as (runAsNonRoot needs a numeric user).
RUN groupadd --system --gid 185 operator \
    && useradd --system --uid 185 --gid 185 --home-dir /deployments --no-create-home operator

# Dependencies first: they change less often than the application, so their layer is reused. The files stay
# owned by root: the operator's user can read them, not change them.
COPY target/quarkus-app/lib/ /deployments/lib/
COPY target/quarkus-app/quarkus-run.jar /deployments/
COPY target/quarkus-app/app/ /deployments/app/
COPY target/quarkus-app/quarkus/ /deployments/quarkus/

USER 185:185
WORKDIR /deployments
EXPOSE 8080

# The root filesystem may be read-only: /tmp is the only place written (the chart mounts an emptyDir there).
# JVM options, measured with hack/benchmark.sh (BENCHMARKS.md), which runs the operator with exactly these:
# - the heap follows the container's memory limit (75 % of it at most);
# - the serial collector: one small heap, no collector threads competing with the reconciles for the CPU;
# - the C1 compiler only: the operator's work comes in bursts of I/O, and C2's compilations took 45 % of its CPU
#   during cold convergence, more than the faster code ever saved (1,000 namespaces: 19.9 s -> 13.4 s);
# - a heap that stays close to what is live (10-20 % free after a collection instead of 40-70 %): the informer
#   caches are most of it, and the peak resident memory at 3,000 namespaces fell from 361 to 312 MiB.
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", \
    "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-Djava.io.tmpdir=/tmp", \
    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "-jar", "/deployments/quarkus-run.jar"]
