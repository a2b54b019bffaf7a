package io.connectorcert.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.util.Configuration;
import com.azure.core.util.ConfigurationBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.DefaultAzureCredentialBuilder;

import io.connectorcert.demo.StaticTokenCredential;
import io.connectorcert.standin.Fault;
import io.connectorcert.standin.GraphStandIn;
import io.connectorcert.standin.RecordedRequest;
import reactor.core.publisher.Mono;

/** The real Graph SDK against the stand-in, over HTTP. */
class GraphConnectorCertificateClientTest {

  private static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.test-token-4711";
  private static final String CONNECTOR = "45715bb8-13f9-4bf6-927f-ef96c102d394";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private GraphStandIn standIn;
  private StaticTokenCredential credential;
  private final List<GraphConnectorCertificateClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    standIn = GraphStandIn.start(Set.of(TOKEN));
    standIn.addConnector(CONNECTOR, "My API connector", "https://api.contoso.com/endpoint");
    credential = new StaticTokenCredential(TOKEN);
  }

  @AfterEach
  void stop() {
    clients.forEach(GraphConnectorCertificateClient::close);
    standIn.close();
  }

  private GraphConnectorCertificateClient client(String version) {
    return client(credential, standIn.endpoint(), version, TIMEOUT);
  }

  private GraphConnectorCertificateClient client(TokenCredential credential, URI endpoint,
      String version, Duration timeout) {
    GraphConnectorCertificateClient c = new GraphConnectorCertificateClient(credential, endpoint, version, timeout);
    clients.add(c);
    return c;
  }

  @Test
  void readsTheConnectorOnBetaAndOnV1() throws Exception {
    ApiConnector beta = client("beta").readConnector(CONNECTOR);
    ApiConnector v1 = client("v1.0").readConnector(CONNECTOR);

    for (ApiConnector c : List.of(beta, v1)) {
      assertThat(c.id()).isEqualTo(CONNECTOR);
      assertThat(c.displayName()).isEqualTo("My API connector");
      assertThat(c.targetUrl()).isEqualTo("https://api.contoso.com/endpoint");
      assertThat(c.certificates()).isEmpty(); // basic authentication so far: no certificate list
    }
    assertThat(standIn.requests()).extracting(RecordedRequest::method, RecordedRequest::apiVersion,
            RecordedRequest::path, RecordedRequest::status)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("GET", "beta", "/identity/apiConnectors/" + CONNECTOR, 200),
            org.assertj.core.groups.Tuple.tuple("GET", "v1.0", "/identity/apiConnectors/" + CONNECTOR, 200));
  }

  @Test
  void uploadsATripleDesPfxWithTheTokenSentToANonMicrosoftHost() throws Exception {
    TestPfx.Made pfx = TestPfx.tripleDes("upload-1");

    ApiConnector answer = client("beta").uploadCertificate(CONNECTOR, pfx.upload());

    assertThat(answer.holds(pfx.thumbprint())).isTrue();
    ConnectorCertificate cert = answer.certificate(pfx.thumbprint()).orElseThrow();
    assertThat(cert.active()).isTrue();
    assertThat(cert.thumbprint()).matches("[0-9A-F]{40}");
    assertThat(cert.notBefore()).isEqualTo(pfx.certificate().getNotBefore().toInstant());
    assertThat(cert.notAfter()).isEqualTo(pfx.certificate().getNotAfter().toInstant());

    assertThat(credential.requestedScopes()).isNotEmpty()
        .allSatisfy(scopes -> assertThat(scopes).containsExactly(standIn.endpoint() + "/.default"));
    assertThat(standIn.requests()).singleElement().satisfies(r -> {
      assertThat(r.token()).isEqualTo(TOKEN);
      assertThat(r.isUpload()).isTrue();
      assertThat(r.apiVersion()).isEqualTo("beta");
      assertThat(r.status()).isEqualTo(200);
    });
    assertThat(standIn.uploads(CONNECTOR)).isEqualTo(1);
    assertThat(client("v1.0").readConnector(CONNECTOR).holds(pfx.thumbprint())).isTrue();
  }

  @Test
  void unknownConnectorIsNotFoundWithGraphsCodeAndRequestId() {
    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client("beta").readConnector("no-such-connector"));

    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.NOT_FOUND);
    assertThat(failure.httpStatus()).isEqualTo(404);
    assertThat(failure.errorCode()).contains("Request_ResourceNotFound");
    String requestId = standIn.requests().get(0).requestId();
    assertThat(failure.requestId()).contains(requestId);
    assertThat(failure.getMessage())
        .startsWith("Graph answered GET 404 Request_ResourceNotFound: Resource 'no-such-connector'")
        .endsWith("(request-id " + requestId + ")");
  }

  @Test
  void uploadToUnknownConnectorIsNotFound() {
    TestPfx.Made pfx = TestPfx.tripleDes("nowhere");
    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client("beta").uploadCertificate("no-such-connector", pfx.upload()));
    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.NOT_FOUND);
    assertClean(failure, pfx);
  }

  @Test
  void aTokenGraphRefusesIsUnauthenticated() {
    standIn.setAcceptedTokens(t -> false);
    TestPfx.Made pfx = TestPfx.tripleDes("refused");

    GraphFailure read = catchThrowableOfType(GraphFailure.class, () -> client("beta").readConnector(CONNECTOR));
    GraphFailure upload = catchThrowableOfType(GraphFailure.class,
        () -> client("beta").uploadCertificate(CONNECTOR, pfx.upload()));

    for (GraphFailure f : List.of(read, upload)) {
      assertThat(f.kind()).isEqualTo(GraphFailure.Kind.UNAUTHENTICATED);
      assertThat(f.httpStatus()).isEqualTo(401);
      assertThat(f.errorCode()).contains("InvalidAuthenticationToken");
      assertClean(f, pfx);
    }
    assertThat(standIn.uploads(CONNECTOR)).isZero();
  }

  @Test
  void anAesPfxIsRejectedAsB2CDoes() {
    TestPfx.Made pfx = TestPfx.jdkDefault("aes"); // Java 17 KeyStore default: AES-256 + HMAC-SHA256

    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client("beta").uploadCertificate(CONNECTOR, pfx.upload()));

    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.REJECTED);
    assertThat(failure.httpStatus()).isEqualTo(400);
    assertThat(failure.errorCode()).contains("AADB2C90213");
    assertThat(failure.getMessage()).contains("The certificate password provided in request is incorrect.");
    assertClean(failure, pfx);
    assertThat(standIn.uploads(CONNECTOR)).isZero();
  }

  @Test
  void throttledUploadIsUnavailableWithRetryAfterAndIsSentOnce() {
    standIn.failNext(Fault.tooManyRequests(Duration.ofSeconds(2)).onlyFor("POST"));
    TestPfx.Made pfx = TestPfx.tripleDes("throttled");

    long started = System.nanoTime();
    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client("beta").uploadCertificate(CONNECTOR, pfx.upload()));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
    assertThat(failure.httpStatus()).isEqualTo(429);
    assertThat(failure.errorCode()).contains("TooManyRequests");
    assertThat(failure.retryAfter()).contains(Duration.ofSeconds(2));
    assertThat(standIn.uploadAttempts(CONNECTOR)).isEqualTo(1);
    assertThat(standIn.uploads(CONNECTOR)).isZero();
    assertClean(failure, pfx);
  }

  @Test
  void unavailableUploadIsSentOnce() {
    standIn.failNext(Fault.serviceUnavailable().onlyFor("POST"));
    TestPfx.Made pfx = TestPfx.tripleDes("unavailable");

    long started = System.nanoTime();
    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client("v1.0").uploadCertificate(CONNECTOR, pfx.upload()));

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
    assertThat(failure.httpStatus()).isEqualTo(503);
    assertThat(failure.retryAfter()).isEmpty();
    assertThat(standIn.uploadAttempts(CONNECTOR)).isEqualTo(1);
    assertClean(failure, pfx);
  }

  @Test
  void retryAfterMayBeFractionalOrADate() {
    TestPfx.Made pfx = TestPfx.tripleDes("retry-after");
    standIn.failNext(Fault.tooManyRequests(Duration.ofSeconds(1)).withRetryAfterHeader("1.5").onlyFor("POST"));
    GraphFailure fractional = catchThrowableOfType(GraphFailure.class,
        () -> client("beta").uploadCertificate(CONNECTOR, pfx.upload()));
    assertThat(fractional.retryAfter()).contains(Duration.ofMillis(1500));

    String inAMinute = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(60));
    standIn.failNext(Fault.serviceUnavailable().withRetryAfterHeader(inAMinute).onlyFor("POST"));
    GraphFailure dated = catchThrowableOfType(GraphFailure.class,
        () -> client("beta").uploadCertificate(CONNECTOR, pfx.upload()));
    assertThat(dated.retryAfter()).hasValueSatisfying(
        d -> assertThat(d).isBetween(Duration.ofSeconds(55), Duration.ofSeconds(61)));
    assertThat(standIn.uploadAttempts(CONNECTOR)).isEqualTo(2);
  }

  @Test
  void gatewayTimeoutAfterApplyingIsUnavailableButTheCertificateLanded() throws Exception {
    standIn.failNext(Fault.gatewayTimeoutAfterApply().onlyFor("POST"));
    TestPfx.Made pfx = TestPfx.tripleDes("applied-anyway");
    GraphConnectorCertificateClient client = client("beta");

    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client.uploadCertificate(CONNECTOR, pfx.upload()));

    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
    assertThat(failure.httpStatus()).isEqualTo(504);
    assertThat(standIn.uploadAttempts(CONNECTOR)).isEqualTo(1);
    assertThat(standIn.certificates(CONNECTOR)).extracting(ConnectorCertificate::thumbprint)
        .containsExactly(pfx.thumbprint());
    assertThat(client.readConnector(CONNECTOR).holds(pfx.thumbprint())).isTrue();
    assertClean(failure, pfx);
  }

  @Test
  void aThrottledReadIsNotRetriedInsideTheSdkAndCarriesGraphsRetryAfter() {
    // the SDK's retry would sleep these 120 s on the caller's thread and then report a timeout without Retry-After
    standIn.failNext(Fault.tooManyRequests(Duration.ofSeconds(120)).onlyFor("GET"));

    GraphFailure failure = catchThrowableOfType(GraphFailure.class, () -> client("beta").readConnector(CONNECTOR));

    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
    assertThat(failure.httpStatus()).isEqualTo(429);
    assertThat(failure.retryAfter()).contains(Duration.ofSeconds(120));
    assertThat(standIn.requests()).extracting(RecordedRequest::status).containsExactly(429);
  }

  @Test
  void aThrottledReadPausesOnlyItsOwnTenantsLane() throws Exception {
    var traffic = GraphTraffic.of(8, new GraphTraffic.Budget(100, 10, 10));
    var laneA = traffic.lane(new GraphTraffic.Key(standIn.endpoint(), "tenant-a", "app"));
    var laneB = traffic.lane(new GraphTraffic.Key(standIn.endpoint(), "tenant-b", "app"));
    var clientA = new GraphConnectorCertificateClient(credential, standIn.endpoint(), "beta", TIMEOUT, laneA);
    var clientB = new GraphConnectorCertificateClient(credential, standIn.endpoint(), "beta", TIMEOUT, laneB);
    clients.add(clientA);
    clients.add(clientB);
    standIn.failNext(Fault.tooManyRequests(Duration.ofSeconds(60)).onlyFor("GET"));
    catchThrowableOfType(GraphFailure.class, () -> clientA.readConnector(CONNECTOR));

    GraphFailure held = catchThrowableOfType(GraphFailure.class, () -> clientA.readConnector(CONNECTOR));
    ApiConnector other = clientB.readConnector(CONNECTOR);

    assertThat(held.kind()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
    assertThat(held.getMessage()).contains("not sent");
    assertThat(held.retryAfter()).hasValueSatisfying(
        wait -> assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(60)));
    assertThat(other.id()).isEqualTo(CONNECTOR);
    assertThat(standIn.requests()).extracting(RecordedRequest::status).containsExactly(429, 200);
  }

  @Test
  void anUploadThatWaitedForItsPermitStillGetsItsWholeTimeout() throws Exception {
    var traffic = GraphTraffic.of(1, new GraphTraffic.Budget(100, 10, 10));
    var upload = new GraphConnectorCertificateClient(credential, standIn.endpoint(), "beta", Duration.ofSeconds(4),
        traffic.lane(new GraphTraffic.Key(standIn.endpoint(), "tenant-a", "app")));
    clients.add(upload);
    TestPfx.Made pfx = TestPfx.tripleDes("waited");

    // another tenant's call holds the operator's only slot for longer than the upload's timeout
    var other = traffic.lane(new GraphTraffic.Key(standIn.endpoint(), "tenant-b", "app")).acquire(false);
    var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return upload.uploadCertificate(CONNECTOR, pfx.upload());
      } catch (GraphFailure e) {
        throw new java.util.concurrent.CompletionException(e);
      }
    });
    org.awaitility.Awaitility.await().pollDelay(Duration.ofSeconds(5)).until(() -> true);
    assertThat(standIn.requests()).as("nothing sent while waiting for the permit").isEmpty();
    other.close();

    assertThat(answer.get(30, java.util.concurrent.TimeUnit.SECONDS).holds(pfx.thumbprint())).isTrue();
    assertThat(standIn.uploadAttempts(CONNECTOR)).isEqualTo(1);
  }

  @Test
  void aConflictIsTransientAndAnUploadIsSentOnce() {
    standIn.failNext(Fault.status(409).onlyFor("GET"));
    standIn.failNext(Fault.status(409).withRetryAfterHeader("7").onlyFor("POST"));
    TestPfx.Made pfx = TestPfx.tripleDes("conflict");
    GraphConnectorCertificateClient client = client("beta");

    GraphFailure read = catchThrowableOfType(GraphFailure.class, () -> client.readConnector(CONNECTOR));
    GraphFailure upload = catchThrowableOfType(GraphFailure.class,
        () -> client.uploadCertificate(CONNECTOR, pfx.upload()));

    for (GraphFailure f : List.of(read, upload)) {
      assertThat(f.kind()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
      assertThat(f.httpStatus()).isEqualTo(409);
      assertThat(f.errorCode()).contains("Conflict");
      assertClean(f, pfx);
    }
    assertThat(upload.retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(standIn.uploadAttempts(CONNECTOR)).isEqualTo(1);
    assertThat(standIn.uploads(CONNECTOR)).isZero();
  }

  @Test
  void aCredentialThatCannotGetATokenIsUnauthenticated() {
    TokenCredential broken = request -> Mono.error(new ClientAuthenticationException(
        "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client "
            + "secret value, not the client secret ID.\nTrace ID: 1234", null));
    TestPfx.Made pfx = TestPfx.tripleDes("no-token");

    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client(broken, standIn.endpoint(), "beta", TIMEOUT).uploadCertificate(CONNECTOR, pfx.upload()));

    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.UNAUTHENTICATED);
    assertThat(failure.httpStatus()).isZero();
    assertThat(failure.errorCode()).contains("AADSTS7000215");
    assertThat(failure.getMessage()).contains("AADSTS7000215").doesNotContain("Invalid client secret");
    assertThat(failure.getCause()).isNull();
    assertThat(standIn.requests()).isEmpty();
    assertClean(failure, pfx);
  }

  @Test
  void aCredentialAzureIdentityReportsUnavailableIsTransient() {
    // the real DefaultAzureCredential, limited to a source that is not there: azure-identity raises its own
    // CredentialUnavailableException, as it does when the managed identity endpoint does not answer
    TokenCredential nothingAvailable = new DefaultAzureCredentialBuilder()
        .configuration(hermetic(Map.of("AZURE_TOKEN_CREDENTIALS", "EnvironmentCredential"))).build();

    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client(nothingAvailable, standIn.endpoint(), "beta", TIMEOUT).readConnector(CONNECTOR));

    assertThat(failure.kind()).as(failure.getMessage()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
    assertThat(failure.getMessage()).startsWith("no Graph token: credential unavailable: ");
    assertThat(standIn.requests()).isEmpty();
  }

  @Test
  void aTokenEndpointThatDoesNotAnswerIsTransient(@TempDir Path dir) throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Path projected = Files.writeString(dir.resolve("token"), "projected.service-account.token");
    // the operator-wide credential as deployed (DefaultAzureCredential with workload identity), Entra unreachable
    TokenCredential workloadIdentity = new DefaultAzureCredentialBuilder().disableInstanceDiscovery()
        .configuration(hermetic(Map.of("AZURE_TOKEN_CREDENTIALS", "WorkloadIdentityCredential",
            "AZURE_TENANT_ID", "6f1e4b7a-0c7e-4c55-9a51-6a3b0b5f6a01",
            "AZURE_CLIENT_ID", "11111111-aaaa-4bbb-8ccc-000000000001",
            "AZURE_FEDERATED_TOKEN_FILE", projected.toString(),
            "AZURE_AUTHORITY_HOST", "https://127.0.0.1:" + closed)))
        .build();
    // a credentials Secret's client secret, Entra unreachable
    TokenCredential clientSecret = new ClientSecretCredentialBuilder().tenantId("6f1e4b7a-0c7e-4c55-9a51-6a3b0b5f6a01")
        .clientId("11111111-aaaa-4bbb-8ccc-000000000001").clientSecret("s3cret~Value.Never-Logged_9x")
        .authorityHost("https://127.0.0.1:" + closed).disableInstanceDiscovery().build();

    for (TokenCredential credential : List.of(workloadIdentity, clientSecret)) {
      GraphFailure failure = catchThrowableOfType(GraphFailure.class,
          () -> client(credential, standIn.endpoint(), "beta", TIMEOUT).readConnector(CONNECTOR));
      assertThat(failure.kind()).as(failure.getMessage()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
      assertThat(failure.getMessage()).startsWith("no Graph token: the token endpoint did not answer")
          .doesNotContain("s3cret~Value.Never-Logged_9x").doesNotContain("projected.service-account.token");
    }
    assertThat(standIn.requests()).isEmpty();
  }

  /** An azure-core configuration with exactly these values: nothing from this machine's environment. */
  private static Configuration hermetic(Map<String, String> values) {
    var builder = new ConfigurationBuilder(prefix -> Map.of(), prefix -> Map.of(), prefix -> Map.of());
    values.forEach(builder::putProperty);
    return builder.build();
  }

  @Test
  void aClosedPortIsUnavailable() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    TestPfx.Made pfx = TestPfx.tripleDes("refused-connection");
    GraphConnectorCertificateClient client =
        client(credential, URI.create("http://127.0.0.1:" + port), "beta", TIMEOUT);

    GraphFailure read = catchThrowableOfType(GraphFailure.class, () -> client.readConnector(CONNECTOR));
    GraphFailure upload = catchThrowableOfType(GraphFailure.class,
        () -> client.uploadCertificate(CONNECTOR, pfx.upload()));

    for (GraphFailure f : List.of(read, upload)) {
      assertThat(f.kind()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
      assertThat(f.httpStatus()).isZero();
      assertClean(f, pfx);
    }
  }

  @Test
  void aSlowGraphTimesOutAsUnavailable() {
    standIn.failNext(Fault.delay(Duration.ofSeconds(3)).onlyFor("POST"));
    TestPfx.Made pfx = TestPfx.tripleDes("slow");

    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client(credential, standIn.endpoint(), "beta", Duration.ofMillis(700))
            .uploadCertificate(CONNECTOR, pfx.upload()));

    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
    assertThat(failure.httpStatus()).isZero();
    assertClean(failure, pfx);
  }

  @Test
  void a200WithoutAConnectorIsRejected() {
    TestPfx.Made pfx = TestPfx.tripleDes("odd-answers");
    GraphConnectorCertificateClient client = client("beta");

    standIn.failNext(Fault.empty200().onlyFor("POST"));
    GraphFailure empty = catchThrowableOfType(GraphFailure.class,
        () -> client.uploadCertificate(CONNECTOR, pfx.upload()));
    standIn.failNext(Fault.malformed200().onlyFor("POST"));
    GraphFailure malformed = catchThrowableOfType(GraphFailure.class,
        () -> client.uploadCertificate(CONNECTOR, pfx.upload()));

    for (GraphFailure f : List.of(empty, malformed)) {
      assertThat(f.kind()).as(f.getMessage()).isEqualTo(GraphFailure.Kind.REJECTED);
      assertClean(f, pfx);
    }
    assertThat(empty.getMessage()).contains("200");
    assertThat(malformed.httpStatus()).isEqualTo(200);
  }

  @Test
  void anUnparseableErrorBodyStillCountsByItsStatus() {
    // kiota throws a bare gson exception here, without the status: the client takes it from the wire
    standIn.failNext(Fault.malformed(503).withRetryAfterHeader("3").onlyFor("POST"));
    TestPfx.Made pfx = TestPfx.tripleDes("html-503");

    GraphFailure failure = catchThrowableOfType(GraphFailure.class,
        () -> client("beta").uploadCertificate(CONNECTOR, pfx.upload()));

    assertThat(failure.kind()).isEqualTo(GraphFailure.Kind.UNAVAILABLE);
    assertThat(failure.httpStatus()).isEqualTo(503);
    assertThat(failure.retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(failure.requestId()).contains(standIn.requests().get(0).requestId());
    assertThat(standIn.uploadAttempts(CONNECTOR)).isEqualTo(1);
    assertClean(failure, pfx);
  }

  @Test
  void refusesPlainHttpToANonLoopbackHostAndUnknownVersions() {
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(
        () -> new GraphConnectorCertificateClient(credential, URI.create("http://graph.example.com"), "beta",
            TIMEOUT));
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(
        () -> new GraphConnectorCertificateClient(credential, standIn.endpoint(), "v2", TIMEOUT));
  }

  /** No password, token or piece of the PKCS#12 in the failure, its causes, or their messages. */
  private static void assertClean(GraphFailure failure, TestPfx.Made pfx) {
    String base64 = Base64.getEncoder().encodeToString(pfx.upload().pkcs12());
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t).append('\n').append(t.getMessage()).append('\n');
    }
    String text = all.toString();
    assertThat(text).doesNotContain(pfx.upload().password()).doesNotContain(TOKEN).doesNotContain("Bearer");
    for (int i = 0; i + 12 <= text.length(); i++) {
      String window = text.substring(i, i + 12);
      assertThat(base64).as("a base64 fragment of the pfx in the failure: %s", window).doesNotContain(window);
    }
  }
}
