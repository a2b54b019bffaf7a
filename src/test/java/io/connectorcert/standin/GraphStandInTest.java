package io.connectorcert.standin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.connectorcert.support.MutableClock;
import io.connectorcert.graph.ConnectorCertificate;
import io.connectorcert.graph.TestPfx;

/** The stand-in's own rules, spoken to over plain HTTP. */
class GraphStandInTest {

  private static final String TOKEN = "token-a";
  private static final String ID = "conn-1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
  private final HttpClient http = HttpClient.newHttpClient();
  private GraphStandIn standIn;

  @BeforeEach
  void start() {
    standIn = GraphStandIn.builder().acceptTokens(Set.of(TOKEN)).clock(clock).start();
    standIn.addConnector(ID, "Connector", "https://api.contoso.com/hook");
  }

  @AfterEach
  void stop() {
    standIn.close();
  }

  @Test
  void theLatestValidUploadIsActiveAndANotYetValidOneWaitsForItsTime() throws Exception {
    Instant now = clock.instant();
    TestPfx.Made current = TestPfx.tripleDes("current", now.minus(1, ChronoUnit.DAYS), now.plus(10, ChronoUnit.DAYS));
    TestPfx.Made future = TestPfx.tripleDes("future", now.plus(2, ChronoUnit.DAYS), now.plus(30, ChronoUnit.DAYS));
    TestPfx.Made expired = TestPfx.tripleDes("expired", now.minus(30, ChronoUnit.DAYS), now.minus(1, ChronoUnit.DAYS));

    assertThat(upload(current).statusCode()).isEqualTo(200);
    HttpResponse<String> afterFuture = upload(future);
    assertThat(afterFuture.statusCode()).isEqualTo(200);
    assertThat(activeThumbprints(afterFuture)).containsExactly(current.thumbprint());
    assertThat(standIn.certificates(ID)).extracting(ConnectorCertificate::thumbprint, ConnectorCertificate::active)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(current.thumbprint(), true),
            org.assertj.core.groups.Tuple.tuple(future.thumbprint(), false));

    HttpResponse<String> afterExpired = upload(expired);
    assertThat(afterExpired.statusCode()).isEqualTo(200);
    assertThat(activeThumbprints(afterExpired)).containsExactly(current.thumbprint());

    clock.advance(Duration.ofDays(3)); // the future one's notBefore has passed; it was uploaded after "current"
    assertThat(activeThumbprints(get("beta", ID))).containsExactly(future.thumbprint());
    assertThat(standIn.certificates(ID)).filteredOn(ConnectorCertificate::active)
        .extracting(ConnectorCertificate::thumbprint).containsExactly(future.thumbprint());

    clock.advance(Duration.ofDays(60)); // everything expired: nothing is active
    assertThat(standIn.certificates(ID)).noneMatch(ConnectorCertificate::active);
  }

  @Test
  void theAnswerIsTheConnectorInGraphsShape() throws Exception {
    TestPfx.Made pfx = TestPfx.tripleDes("shape");
    HttpResponse<String> answer = upload(pfx);

    assertThat(answer.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(answer.headers().firstValue("request-id")).isPresent();
    JsonNode body = JSON.readTree(answer.body());
    assertThat(body.get("@odata.context").asText())
        .isEqualTo(standIn.endpoint() + "/beta/$metadata#identity/apiConnectors/$entity");
    assertThat(body.get("id").asText()).isEqualTo(ID);
    assertThat(body.get("displayName").asText()).isEqualTo("Connector");
    assertThat(body.get("targetUrl").asText()).isEqualTo("https://api.contoso.com/hook");
    JsonNode auth = body.get("authenticationConfiguration");
    assertThat(auth.get("@odata.type").asText()).isEqualTo("#microsoft.graph.clientCertificateAuthentication");
    JsonNode entry = auth.get("certificateList").get(0);
    assertThat(entry.get("thumbprint").asText()).isEqualTo(pfx.thumbprint());
    assertThat(entry.get("notBefore").asLong()).isEqualTo(pfx.certificate().getNotBefore().toInstant().getEpochSecond());
    assertThat(entry.get("notAfter").asLong()).isEqualTo(pfx.certificate().getNotAfter().toInstant().getEpochSecond());
    assertThat(entry.get("isActive").asBoolean()).isTrue();
  }

  @Test
  void duplicatesAreAppendedAsGraphDoes() throws Exception {
    TestPfx.Made pfx = TestPfx.tripleDes("twice");
    upload(pfx);
    upload(pfx);

    assertThat(standIn.uploads(ID)).isEqualTo(2);
    assertThat(standIn.uploadAttempts(ID)).isEqualTo(2);
    assertThat(standIn.certificates(ID)).extracting(ConnectorCertificate::thumbprint, ConnectorCertificate::active)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(pfx.thumbprint(), false),
            org.assertj.core.groups.Tuple.tuple(pfx.thumbprint(), true));
  }

  @Test
  void pfxFilesB2CRefusesAreAnsweredWithAadb2c90213() throws Exception {
    TestPfx.Made good = TestPfx.tripleDes("good");
    assertError(post("beta", ID, body(good.upload().pkcs12(), "not-the-password")), 400, "AADB2C90213");
    assertError(upload(TestPfx.jdkDefault("jdk-aes")), 400, "AADB2C90213");
    assertError(upload(TestPfx.aesKeyBagSha1Mac("aes-key-sha1-mac")), 400, "AADB2C90213");
    HttpResponse<String> noKey = upload(TestPfx.certificateOnly("no-key"));
    assertError(noKey, 400, "BadRequest");
    assertThat(JSON.readTree(noKey.body()).at("/error/message").asText()).isEqualTo("The pfx has no private key");
    assertThat(JSON.readTree(post("beta", ID, body(good.upload().pkcs12(), "x")).body()).at("/error/message")
        .asText()).isEqualTo("The certificate password provided in request is incorrect.");
    assertThat(standIn.uploads(ID)).isZero();
  }

  @Test
  void malformedRequestsAreBadRequests() throws Exception {
    assertError(post("beta", ID, "{not json"), 400, "BadRequest");
    assertError(post("beta", ID, "{\"password\":\"x\"}"), 400, "BadRequest");
    assertError(post("beta", ID, "{\"pkcs12Value\":\"AAAA\"}"), 400, "BadRequest");
    assertError(post("beta", ID, "{\"pkcs12Value\":\"%%%not base64%%%\",\"password\":\"x\"}"), 400, "BadRequest");
    assertError(post("beta", ID, "{\"pkcs12Value\":\"AAAA\",\"password\":\"x\"}"), 400, "BadRequest");
    assertThat(standIn.uploads(ID)).isZero();
    assertThat(standIn.uploadAttempts(ID)).isEqualTo(5);
  }

  @Test
  void tokensAreCheckedAndRecorded() throws Exception {
    HttpResponse<String> none = send(HttpRequest.newBuilder(url("v1.0", "/identity/apiConnectors/" + ID)).GET(), null);
    HttpResponse<String> other = send(HttpRequest.newBuilder(url("v1.0", "/identity/apiConnectors/" + ID)).GET(),
        "token-b");
    assertError(none, 401, "InvalidAuthenticationToken");
    assertError(other, 401, "InvalidAuthenticationToken");
    assertThat(get("v1.0", ID).statusCode()).isEqualTo(200);

    assertThat(standIn.requests()).extracting(RecordedRequest::token, RecordedRequest::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(null, 401),
            org.assertj.core.groups.Tuple.tuple("token-b", 401),
            org.assertj.core.groups.Tuple.tuple(TOKEN, 200));
    JsonNode error = JSON.readTree(other.body()).get("error");
    assertThat(error.at("/innerError/request-id").asText()).isEqualTo(other.headers().firstValue("request-id").get());
    assertThat(error.at("/innerError/date").asText()).isNotBlank();
  }

  @Test
  void unknownConnectorsAreNotFoundAndPathsMatchCaseInsensitively() throws Exception {
    assertError(get("beta", "nobody"), 404, "Request_ResourceNotFound");
    HttpResponse<String> lower = send(
        HttpRequest.newBuilder(url("beta", "/identity/apiconnectors/" + ID)).GET(), TOKEN);
    assertThat(lower.statusCode()).isEqualTo(200);
    TestPfx.Made pfx = TestPfx.tripleDes("lower-case");
    HttpResponse<String> lowerUpload = send(HttpRequest.newBuilder(
            url("v1.0", "/identity/apiconnectors/" + ID + "/uploadclientcertificate"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body(pfx.upload().pkcs12(), pfx.upload().password()))), TOKEN);
    assertThat(lowerUpload.statusCode()).isEqualTo(200);
    assertError(send(HttpRequest.newBuilder(url("v2", "/identity/apiConnectors/" + ID)).GET(), TOKEN), 400,
        "BadRequest");
  }

  @Test
  void faultsAreOneShotScopedAndProfilesAreSeeded() throws Exception {
    standIn.failNext(Fault.tooManyRequests(Duration.ofSeconds(7)).onlyFor("POST"));
    HttpResponse<String> read = get("beta", ID); // the POST-scoped fault waits
    assertThat(read.statusCode()).isEqualTo(200);
    TestPfx.Made pfx = TestPfx.tripleDes("fault");
    HttpResponse<String> throttled = upload(pfx);
    assertError(throttled, 429, "TooManyRequests");
    assertThat(throttled.headers().firstValue("Retry-After")).contains("7");
    assertThat(upload(pfx).statusCode()).isEqualTo(200);

    standIn.failNext(Fault.gatewayTimeoutAfterApply());
    assertError(upload(pfx), 504, "GatewayTimeout");
    assertThat(standIn.uploads(ID)).isEqualTo(2);

    standIn.setFaultProfile(new FaultProfile(0, 1.0, 0, Duration.ofSeconds(1), 7), "GET");
    assertError(get("beta", ID), 503, "ServiceUnavailable");
    assertThat(upload(pfx).statusCode()).isEqualTo(200);
    standIn.clearFaults();
    assertThat(get("beta", ID).statusCode()).isEqualTo(200);

    standIn.setLatency(Duration.ofMillis(150), Duration.ZERO);
    long started = System.nanoTime();
    get("beta", ID);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
  }

  // ------------------------------------------------------------------------------------------------------ helpers

  private static void assertError(HttpResponse<String> response, int status, String code) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    assertThat(JSON.readTree(response.body()).at("/error/code").asText()).isEqualTo(code);
    assertThat(response.headers().firstValue("request-id")).isPresent();
  }

  private static java.util.List<String> activeThumbprints(HttpResponse<String> response) throws Exception {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (JsonNode e : JSON.readTree(response.body()).at("/authenticationConfiguration/certificateList")) {
      if (e.get("isActive").asBoolean()) {
        out.add(e.get("thumbprint").asText());
      }
    }
    return out;
  }

  private HttpResponse<String> upload(TestPfx.Made pfx) throws Exception {
    return post("beta", ID, body(pfx.upload().pkcs12(), pfx.upload().password()));
  }

  private static String body(byte[] pkcs12, String password) {
    ObjectNode body = JSON.createObjectNode();
    body.put("pkcs12Value", Base64.getEncoder().encodeToString(pkcs12));
    body.put("password", password);
    return body.toString();
  }

  private HttpResponse<String> get(String version, String id) throws Exception {
    return send(HttpRequest.newBuilder(url(version, "/identity/apiConnectors/" + id)).GET(), TOKEN);
  }

  private HttpResponse<String> post(String version, String id, String json) throws Exception {
    return send(HttpRequest.newBuilder(url(version, "/identity/apiConnectors/" + id + "/uploadClientCertificate"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)), TOKEN);
  }

  private HttpResponse<String> send(HttpRequest.Builder request, String token) throws Exception {
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI url(String version, String path) {
    return URI.create(standIn.endpoint() + "/" + version + path);
  }
}
