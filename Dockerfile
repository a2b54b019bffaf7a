# Build: the jar and its dependencies with Maven and a JDK
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY crds crds
COPY deploy/examples deploy/examples
RUN mvn -B -q -DskipTests package

# Run: a JRE, the dependencies in their own layer, a non-root user
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/lib/ /app/lib/
COPY --from=build /src/target/connector-cert-operator.jar /app/connector-cert-operator.jar
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/connector-cert-operator.jar"]
