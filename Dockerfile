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
COPY src/main/docker/jvm.options /deployments/

USER 185:185
WORKDIR /deployments
EXPOSE 8080

# The JVM options live in src/main/docker/jvm.options (with the reasons for each), shared with the image that
# hack/operator-image.sh builds without Docker and with hack/benchmark.sh.
ENTRYPOINT ["java", "@/deployments/jvm.options", "-jar", "/deployments/quarkus-run.jar"]
