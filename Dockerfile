# Build: the Maven wrapper pins Maven 3.9; the result is the standard Quarkus fast-jar.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
COPY frontend/ frontend/
COPY model-zoo/ model-zoo/
RUN ./mvnw -B -q package -DskipTests

# Run: a JRE, a non-root user, port 8080.
FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app pixelwise
WORKDIR /app
COPY --from=build --chown=pixelwise:pixelwise /src/target/quarkus-app/ /app/
USER pixelwise
ENV PIXELWISE_JOBS_DATA_DIR=/tmp/pixelwise
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD curl -fsS http://localhost:8080/q/health/ready || exit 1
ENTRYPOINT ["java", "-Dquarkus.http.host=0.0.0.0", "-jar", "/app/quarkus-run.jar"]
