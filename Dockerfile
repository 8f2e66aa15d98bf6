# The operator's container image: the Quarkus fast-jar from `./mvnw package` on a Java 17 runtime, run as a non-root
# user. Build (there is no published image yet):
#   ./mvnw -B package -DskipTests
#   docker build -t ghcr.io/agentpolicy/agent-policy-operator:0.1.0-SNAPSHOT .
# The Helm chart's image.repository / image.tag select it.
# Java 17 measured best for a long-running operator (BENCHMARKS.md, "Start-up"): Java 25 with an AOT cache made at
# build time starts a fifth faster, but its heap grew to a 50 % higher peak resident memory at 3,000 namespaces.
# hack/images.sh builds the Java 25 variant with its cache (OPERATOR_JDK=<a JDK 25>).
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
COPY src/main/docker/jvm.options /deployments/

WORKDIR /deployments
USER 185:185
EXPOSE 8080
# glibc's malloc keeps at most two arenas instead of one per thread that allocates natively (BENCHMARKS.md, §3).
ENV MALLOC_ARENA_MAX=2

# The JVM options live in src/main/docker/jvm.options (with the reasons for each), shared with the image that
# hack/images.sh builds without Docker and with hack/benchmark.sh.
ENTRYPOINT ["java", "@/deployments/jvm.options", "-jar", "/deployments/quarkus-run.jar"]
