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
# Models: the app's own fetcher (npm tarballs from the registry over HTTPS, the TFLite files from their
# upstream URLs, every file checked against the sha256 in model-zoo/*.json) fills /models once, so the
# runtime image holds them and needs no network for them. The unpacked npm packages are not kept.
RUN java -Dquarkus.http.port=0 -Dpixelwise.zoo.dir=/models -Dpixelwise.zoo.fetch-on-start=false \
        -jar target/quarkus-app/quarkus-run.jar fetch-models \
    && rm -rf /models/.npm

# Run: a JRE, a non-root user, port 8080.
FROM eclipse-temurin:17-jre
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --create-home pixelwise
WORKDIR /app
COPY --from=build --chown=pixelwise:pixelwise /src/target/quarkus-app/ /app/
COPY --from=build --chown=pixelwise:pixelwise /models/ /app/models/
USER pixelwise
ENV PIXELWISE_JOBS_DATA_DIR=/tmp/pixelwise PIXELWISE_ZOO_DIR=/app/models
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s CMD curl -fsS http://localhost:8080/q/health/ready || exit 1
ENTRYPOINT ["java", "-Dquarkus.http.host=0.0.0.0", "-jar", "/app/quarkus-run.jar"]
