# The operator's container image: the Quarkus fast-jar from `./mvnw package` on a Java 25 runtime with an AOT cache
# (JEP 483/514/515), run as a non-root user. Build (there is no published image yet):
#   ./mvnw -B package -DskipTests
#   docker build -t ghcr.io/agentpolicy/agent-policy-operator:0.1.0-SNAPSHOT .
# The Helm chart's image.repository / image.tag select it.
# Java 25 rather than the 17 the code is built for: its AOT cache takes a fifth off the start (BENCHMARKS.md,
# "Start-up"); Java 25 alone starts no faster.
FROM eclipse-temurin:25-jre

# uid 185 is what the chart's securityContext runs as (runAsNonRoot needs a numeric user).
RUN groupadd --system --gid 185 operator \
    && useradd --system --uid 185 --gid 185 --home-dir /deployments --no-create-home operator

# Dependencies first: they change less often than the application, so their layer is reused. The files stay
# owned by root: the operator's user can read them, not change them.
COPY target/quarkus-app/lib/ /deployments/lib/
COPY target/quarkus-app/quarkus-run.jar /deployments/
COPY target/quarkus-app/app/ /deployments/app/
COPY target/quarkus-app/quarkus/ /deployments/quarkus/
COPY src/main/docker/jvm.options /deployments/

WORKDIR /deployments
# The AOT cache, from a training run of these very files with the same JVM options and -XX:MaxRAM at the chart's
# memory limit. A build has no API server, so this run covers the start up to the first attempt to reach one (the
# operator waits for it, then SIGTERM ends the run and the JVM writes the cache on its way out). hack/images.sh trains
# against a throwaway control plane holding examples/ instead, which also covers the first reconciles.
RUN KUBERNETES_MASTER=https://127.0.0.1:9 AGENTPOLICY_LEADER_ELECTION_ENABLED=false \
      timeout --signal=TERM 30 java @/deployments/jvm.options -XX:MaxRAM=512m \
      -XX:AOTCacheOutput=/deployments/operator.aot -jar /deployments/quarkus-run.jar > /dev/null; \
    test -s /deployments/operator.aot

USER 185:185
EXPOSE 8080
# glibc's malloc keeps at most two arenas instead of one per thread that allocates natively (BENCHMARKS.md, §3).
ENV MALLOC_ARENA_MAX=2

# The JVM options live in src/main/docker/jvm.options (with the reasons for each), shared with the image that
# hack/images.sh builds without Docker and with hack/benchmark.sh. A cache that does not match is ignored with a warning.
ENTRYPOINT ["java", "@/deployments/jvm.options", "-XX:AOTCache=/deployments/operator.aot", "-jar", "/deployments/quarkus-run.jar"]
