package io.connectorcert.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.microsoft.aad.msal4j.MsalServiceException;

import io.connectorcert.demo.ServiceAccountTokenIssuer;
import io.connectorcert.support.EntraStandIn;
import io.connectorcert.support.EntraStandIn.ClientCertificate;
import io.connectorcert.support.EntraStandIn.FederatedCredential;
import io.connectorcert.support.SecretRegistry;

/** Real azure-identity / MSAL credentials built by {@link TokenCredentials} against {@link EntraStandIn}. */
class TokenCredentialsIT {

  static final String TENANT_A = "6f1e4b7a-0c7e-4c55-9a51-6a3b0b5f6a01";
  static final String TENANT_B = "0b9d2c3e-8d1f-4e0a-b2a5-2f0e5f3e9b02";
  static final String SECRET_CLIENT = "11111111-aaaa-4bbb-8ccc-000000000001";
  static final String SECRET = "s3cret~Value.Never-Logged_9x";
  static final String CERT_CLIENT = "22222222-aaaa-4bbb-8ccc-000000000002";
  static final String FEDERATED_CLIENT = "33333333-aaaa-4bbb-8ccc-000000000003";
  static final String GRAPH = "https://graph.microsoft.com/.default";
  static final String GRAPH_US = "https://graph.microsoft.us/.default";

  static EntraStandIn entra;
  static AzureIdentitySettings settings;
  static ClientCertificate clientCert;
  /** Signs service account tokens as a cluster's API server does; the Entra stand-in trusts its issuer. */
  static final ServiceAccountTokenIssuer cluster = new ServiceAccountTokenIssuer();

  @TempDir Path dir;

  @BeforeAll
  static void start() {
    entra = EntraStandIn.start(443);
    settings = new AzureIdentitySettings(entra.authorityHost(), true, entra.httpClient());
    clientCert = EntraStandIn.clientCertificate("connector-cert-operator test client");
    entra.registerSecretClient(TENANT_A, SECRET_CLIENT, SECRET, "ApiConnectors.ReadWrite.All")
        .registerSecretClient(TENANT_B, SECRET_CLIENT, SECRET, "Other.Role")
        .registerCertificateClient(TENANT_A, CERT_CLIENT, clientCert.certificate(), "ApiConnectors.ReadWrite.All")
        .trustIssuer(cluster.issuer(), cluster.publicKey());
    cluster.onIssue(SecretRegistry::secretText);
  }

  @AfterAll
  static void stop() {
    System.out.println("Entra stand-in request log: " + String.join("\n  ", entra.requestLog()));
    entra.close();
  }

  static AccessToken token(TokenCredential credential, String scope) {
    return credential.getTokenSync(new TokenRequestContext().addScopes(scope));
  }

  @Test
  void clientSecret() {
    AccessToken token = token(TokenCredentials.clientSecret(TENANT_A, SECRET_CLIENT, SECRET, settings), GRAPH);

    assertThat(EntraStandIn.tenantOf(token.getToken())).isEqualTo(TENANT_A);
    assertThat(EntraStandIn.appIdOf(token.getToken())).isEqualTo(SECRET_CLIENT);
    assertThat(EntraStandIn.audienceOf(token.getToken())).isEqualTo("https://graph.microsoft.com");
    assertThat(EntraStandIn.rolesOf(token.getToken())).containsExactly("ApiConnectors.ReadWrite.All");
    assertThat(token.getExpiresAt()).isAfter(java.time.OffsetDateTime.now().plusMinutes(55));
  }

  @Test
  void clientCertificatePem() {
    AccessToken token = token(
        TokenCredentials.clientCertificatePem(TENANT_A, CERT_CLIENT, clientCert.pem(), settings), GRAPH_US);

    assertThat(EntraStandIn.tenantOf(token.getToken())).isEqualTo(TENANT_A);
    assertThat(EntraStandIn.appIdOf(token.getToken())).isEqualTo(CERT_CLIENT);
    assertThat(EntraStandIn.audienceOf(token.getToken())).isEqualTo("https://graph.microsoft.us");
  }

  @Test
  void clientCertificatePemWithPkcs1Key() {
    // cert-manager writes RSA keys as PKCS#1 by default; azure-identity alone reads only PKCS#8
    AccessToken token = token(
        TokenCredentials.clientCertificatePem(TENANT_A, CERT_CLIENT, clientCert.pemPkcs1(), settings), GRAPH);

    assertThat(EntraStandIn.appIdOf(token.getToken())).isEqualTo(CERT_CLIENT);
  }

  @Test
  void ecKeyIsRefusedUpFrontWithoutQuotingTheKey() {
    ClientCertificate ec = EntraStandIn.clientCertificate("ec client", "EC");
    String keyBase64 = new String(ec.pem(), StandardCharsets.US_ASCII).split("-----BEGIN PRIVATE KEY-----")[1]
        .split("\n")[1];

    Throwable thrown = catchThrowable(() -> TokenCredentials.clientCertificatePem(TENANT_A, CERT_CLIENT, ec.pem(),
        settings));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not RSA");
    assertThat(messages(thrown)).doesNotContain(keyBase64);
  }

  @Test
  void pemWithoutKeyIsRefusedUpFront() {
    byte[] certOnly = new String(clientCert.pem(), StandardCharsets.US_ASCII).split("-----BEGIN PRIVATE KEY-----")[0]
        .getBytes(StandardCharsets.US_ASCII);

    assertThat(catchThrowable(() -> TokenCredentials.clientCertificatePem(TENANT_A, CERT_CLIENT, certOnly, settings)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the certificate PEM holds no private key");
  }

  @Test
  void clientCertificatePfxWithPassword() {
    byte[] pfx = clientCert.pfx("pfx-Pa55word");
    AccessToken token = token(
        TokenCredentials.clientCertificatePfx(TENANT_A, CERT_CLIENT, pfx, "pfx-Pa55word", settings), GRAPH);

    assertThat(EntraStandIn.tenantOf(token.getToken())).isEqualTo(TENANT_A);
    assertThat(EntraStandIn.appIdOf(token.getToken())).isEqualTo(CERT_CLIENT);
    assertThat(EntraStandIn.audienceOf(token.getToken())).isEqualTo("https://graph.microsoft.com");
  }

  @Test
  void clientCertificatePfxWithoutPassword() {
    byte[] pfx = clientCert.pfx("");
    for (String password : new String[] {null, ""}) {
      AccessToken token = token(
          TokenCredentials.clientCertificatePfx(TENANT_A, CERT_CLIENT, pfx, password, settings), GRAPH);
      assertThat(EntraStandIn.appIdOf(token.getToken())).as("password %s", password).isEqualTo(CERT_CLIENT);
    }
  }

  @Test
  void certificateNotRegisteredForTheClientIsRejected() {
    ClientCertificate other = EntraStandIn.clientCertificate("someone else");
    Throwable thrown = catchThrowable(() ->
        token(TokenCredentials.clientCertificatePem(TENANT_A, CERT_CLIENT, other.pem(), settings), GRAPH));

    assertThat(messages(thrown)).contains("AADSTS700027");
  }

  @Test
  void workloadIdentity() throws Exception {
    String projected = cluster.issue("connector-cert-system", "connector-cert-operator", "uid-1",
        List.of(ServiceAccountTokens.AUDIENCE), Duration.ofHours(1)).token();
    entra.registerFederatedClient(TENANT_B, FEDERATED_CLIENT, FederatedCredential.serviceAccount(cluster.issuer(),
        "connector-cert-system", "connector-cert-operator"), "ApiConnectors.ReadWrite.All");
    Path tokenFile = dir.resolve("azure-identity-token");
    Files.writeString(tokenFile, projected);

    AccessToken token = token(
        TokenCredentials.workloadIdentity(TENANT_B, FEDERATED_CLIENT, tokenFile, settings), GRAPH_US);

    assertThat(EntraStandIn.tenantOf(token.getToken())).isEqualTo(TENANT_B);
    assertThat(EntraStandIn.appIdOf(token.getToken())).isEqualTo(FEDERATED_CLIENT);
    assertThat(EntraStandIn.audienceOf(token.getToken())).isEqualTo("https://graph.microsoft.us");
    assertThat(EntraStandIn.rolesOf(token.getToken())).containsExactly("ApiConnectors.ReadWrite.All");
  }

  @Test
  void federatedAssertionMismatch() throws Exception {
    String client = "33333333-aaaa-4bbb-8ccc-000000000004";
    entra.registerFederatedClient(TENANT_B, client, FederatedCredential.serviceAccount(cluster.issuer(), "team-a",
        "uploader"));
    Path tokenFile = dir.resolve("azure-identity-token");
    Files.writeString(tokenFile, cluster.issue("team-b", "uploader", "uid-b", List.of(ServiceAccountTokens.AUDIENCE),
        Duration.ofHours(1)).token());

    Throwable thrown = catchThrowable(() ->
        token(TokenCredentials.workloadIdentity(TENANT_B, client, tokenFile, settings), GRAPH));

    assertThat(thrown).isNotNull();
    assertThat(messages(thrown)).contains("AADSTS70021").contains("system:serviceaccount:team-b:uploader");
  }

  /**
   * A supplied assertion (the TokenRequest path): azure-identity 1.19 asks the supplier when it builds its MSAL
   * client and again for each request it sends to Entra, never for an answer from its token cache; an exception the
   * supplier throws comes back in the cause chain of getTokenSync.
   */
  @Test
  void clientAssertionAsksTheSupplierPerEntraRequestAndPassesItsFailureOn() {
    String client = "33333333-aaaa-4bbb-8ccc-000000000007";
    entra.registerFederatedClient(TENANT_B, client, FederatedCredential.serviceAccount(cluster.issuer(), "team-a",
        "uploader"), "ApiConnectors.ReadWrite.All");
    var calls = new java.util.concurrent.atomic.AtomicInteger();
    TokenCredential credential = TokenCredentials.clientAssertion(TENANT_B, client, () -> {
      calls.incrementAndGet();
      return cluster.issue("team-a", "uploader", "uid-a", List.of(ServiceAccountTokens.AUDIENCE),
          Duration.ofMinutes(10)).token();
    }, settings);

    for (int i = 0; i < 3; i++) {
      assertThat(EntraStandIn.appIdOf(token(credential, GRAPH).getToken())).isEqualTo(client);
    }
    if (entra.onStandardPort()) {
      assertThat(entra.tokenRequests(TENANT_B, client)).isEqualTo(1);
      assertThat(calls.get()).isEqualTo(2);
    }

    TokenCredential failing = TokenCredentials.clientAssertion(TENANT_B, client, () -> {
      throw new ServiceAccountTokenException(ServiceAccountTokenException.Kind.NOT_FOUND, "no such ServiceAccount");
    }, settings);
    Throwable thrown = catchThrowable(() -> token(failing, GRAPH));
    System.out.println("failing assertion supplier -> " + describe(thrown));
    assertThat(thrown).hasRootCauseInstanceOf(ServiceAccountTokenException.class);
  }

  /** The stand-in refuses what Entra refuses: wrong key, unknown issuer, expired, wrong audience, not a JWT. */
  @Test
  void federatedAssertionsAreCheckedAsStrictlyAsEntraDoes() throws Exception {
    String client = "33333333-aaaa-4bbb-8ccc-000000000008";
    entra.registerFederatedClient(TENANT_B, client, FederatedCredential.serviceAccount(cluster.issuer(), "team-a",
        "uploader"), "ApiConnectors.ReadWrite.All");
    var audience = List.of(ServiceAccountTokens.AUDIENCE);
    var forger = new ServiceAccountTokenIssuer(cluster.issuer(), java.time.Clock.systemUTC());
    var stranger = new ServiceAccountTokenIssuer("https://oidc.elsewhere.example/cluster",
        java.time.Clock.systemUTC());
    forger.onIssue(SecretRegistry::secretText);
    stranger.onIssue(SecretRegistry::secretText);
    record Case(String assertion, String code) {}
    var cases = List.of(
        new Case(forger.issue("team-a", "uploader", "u", audience, Duration.ofHours(1)).token(), "AADSTS700027"),
        new Case(stranger.issue("team-a", "uploader", "u", audience, Duration.ofHours(1)).token(), "AADSTS50166"),
        new Case(cluster.issue("team-a", "uploader", "u", List.of("https://kubernetes.default.svc"),
            Duration.ofHours(1)).token(), "AADSTS70021"),
        new Case("not-a-jwt", "AADSTS50027"));
    // an expired token from a trusted issuer: its clock two hours behind, so the 10-minute token has expired
    var expired = new ServiceAccountTokenIssuer("https://expired.example", java.time.Clock.offset(
        java.time.Clock.systemUTC(), Duration.ofHours(-2)));
    expired.onIssue(SecretRegistry::secretText);
    entra.trustIssuer("https://expired.example", expired.publicKey());
    entra.registerFederatedClient(TENANT_B, "33333333-aaaa-4bbb-8ccc-000000000009", FederatedCredential
        .serviceAccount("https://expired.example", "team-a", "uploader"), "ApiConnectors.ReadWrite.All");
    Throwable expiredThrown = catchThrowable(() -> token(TokenCredentials.clientAssertion(TENANT_B,
        "33333333-aaaa-4bbb-8ccc-000000000009", () -> expired.issue("team-a", "uploader", "u", audience,
            Duration.ofMinutes(10)).token(), settings), GRAPH));
    assertThat(messages(expiredThrown)).contains("AADSTS700024");

    for (var c : cases) {
      Throwable thrown = catchThrowable(() -> token(TokenCredentials.clientAssertion(TENANT_B, client,
          c::assertion, settings), GRAPH));
      assertThat(messages(thrown)).as(c.code()).contains(c.code());
    }
  }

  @Test
  void wrongSecretSurfacesTheAadstsCodeButNeverTheSecret() {
    String wrong = "wr0ng~Secret.Value_Zq7";
    Throwable thrown = catchThrowable(() ->
        token(TokenCredentials.clientSecret(TENANT_A, SECRET_CLIENT, wrong, settings), GRAPH));

    assertThat(thrown).isNotNull();
    System.out.println("wrong secret -> " + describe(thrown));
    assertThat(thrown.getMessage()).contains("AADSTS7000215");
    assertThat(thrown).isExactlyInstanceOf(RuntimeException.class)
        .hasCauseInstanceOf(java.util.concurrent.ExecutionException.class)
        .hasRootCauseInstanceOf(MsalServiceException.class);
    MsalServiceException entraError = (MsalServiceException) thrown.getCause().getCause();
    assertThat(entraError.statusCode()).isEqualTo(401);
    assertThat(entraError.errorCode()).isEqualTo("invalid_client");
    assertThat(entraError.getMessage()).startsWith("AADSTS7000215: Invalid client secret provided.");
    assertThat(messages(thrown)).doesNotContain(wrong).doesNotContain(SECRET);
  }

  @Test
  void unknownTenant() {
    Throwable thrown = catchThrowable(() -> token(TokenCredentials.clientSecret(
        "99999999-0000-4000-8000-00000000dead", SECRET_CLIENT, SECRET, settings), GRAPH));

    assertThat(thrown).isNotNull();
    System.out.println("unknown tenant -> " + describe(thrown));
    assertThat(messages(thrown)).contains("AADSTS90002");
    assertThat(messages(thrown)).doesNotContain(SECRET);
  }

  @Test
  void unknownClient() {
    Throwable thrown = catchThrowable(() -> token(TokenCredentials.clientSecret(
        TENANT_A, "44444444-aaaa-4bbb-8ccc-00000000beef", SECRET, settings), GRAPH));

    assertThat(messages(thrown)).contains("AADSTS700016");
  }

  @Test
  void rotatedSecret() {
    String client = "55555555-aaaa-4bbb-8ccc-000000000005";
    entra.registerSecretClient(TENANT_A, client, "first-secret-1");
    assertThat(token(TokenCredentials.clientSecret(TENANT_A, client, "first-secret-1", settings), GRAPH)).isNotNull();

    entra.rotateSecret(TENANT_A, client, "second-secret-2");

    assertThat(messages(catchThrowable(() ->
        token(TokenCredentials.clientSecret(TENANT_A, client, "first-secret-1", settings), GRAPH))))
        .contains("AADSTS7000215");
    assertThat(token(TokenCredentials.clientSecret(TENANT_A, client, "second-secret-2", settings), GRAPH)).isNotNull();
  }

  @Test
  void oneCredentialCachesItsTokenOnTheStandardPort() {
    assumeTrue(entra.onStandardPort(), "the Entra stand-in could not bind port 443; MSAL's token cache misses"
        + " whenever the authority host carries a port, so counting token requests on port " + entra.port()
        + " would measure that artefact rather than the operator's behaviour");
    String client = "66666666-aaaa-4bbb-8ccc-000000000006";
    entra.registerSecretClient(TENANT_A, client, "cache-secret");
    TokenCredential credential = TokenCredentials.clientSecret(TENANT_A, client, "cache-secret", settings);

    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      tokens.add(token(credential, GRAPH).getToken());
    }

    assertThat(entra.tokenRequests(TENANT_A, client)).isEqualTo(1);
    assertThat(tokens).containsOnly(tokens.get(0));
  }

  @Test
  void onAnEphemeralPortMsalsCacheMissesEveryTime() {
    // documents the artefact the 443 test avoids: with a port in the authority host every call is a token request
    try (EntraStandIn other = EntraStandIn.start()) {
      other.registerSecretClient(TENANT_A, SECRET_CLIENT, SECRET);
      TokenCredential credential = TokenCredentials.clientSecret(TENANT_A, SECRET_CLIENT, SECRET,
          new AzureIdentitySettings(other.authorityHost(), true, other.httpClient()));
      for (int i = 0; i < 5; i++) {
        token(credential, GRAPH);
      }
      assertThat(other.authorityHost().getPort()).isPositive();
      assertThat(other.tokenRequests()).isEqualTo(5);
      assertThat(other.requestLog()).allMatch(r -> r.startsWith("POST /" + TENANT_A + "/oauth2/v2.0/token"));
    }
  }

  @Test
  void withInstanceDiscoveryDisabledMsalCallsOnlyTheTokenEndpoint() {
    try (EntraStandIn other = EntraStandIn.start()) {
      other.registerSecretClient(TENANT_A, SECRET_CLIENT, SECRET);
      token(TokenCredentials.clientSecret(TENANT_A, SECRET_CLIENT, SECRET,
          new AzureIdentitySettings(other.authorityHost(), true, other.httpClient())), GRAPH);
      assertThat(other.requestLog()).containsExactly("POST /" + TENANT_A + "/oauth2/v2.0/token");
      assertThat(other.scopesRequested()).containsExactly(GRAPH);
    }
  }

  /**
   * How azure-identity 1.19 / MSAL 1.26 surface an Entra error: getTokenSync throws a bare RuntimeException wrapping an
   * ExecutionException wrapping MSAL's MsalServiceException (message = Entra's error_description); the async getToken
   * fails with the MsalServiceException itself. Neither is a ClientAuthenticationException.
   */
  @Test
  void asyncGetTokenSurfacesTheSameAadstsCode() {
    Throwable thrown = catchThrowable(() -> TokenCredentials.clientSecret(TENANT_A, SECRET_CLIENT, "nope-wrong", settings)
        .getToken(new TokenRequestContext().addScopes(GRAPH)).block());

    System.out.println("async wrong secret -> " + describe(thrown));
    assertThat(thrown).isInstanceOf(MsalServiceException.class).hasMessageStartingWith("AADSTS7000215: ");
    assertThat(((MsalServiceException) thrown).statusCode()).isEqualTo(401);
    assertThat(((MsalServiceException) thrown).errorCode()).isEqualTo("invalid_client");
    assertThat(messages(thrown)).doesNotContain("nope-wrong");
  }

  @Test
  void twoTenantsTwoCredentialsEachTokenCarriesItsOwnTenant() {
    TokenCredential a = TokenCredentials.clientSecret(TENANT_A, SECRET_CLIENT, SECRET, settings);
    TokenCredential b = TokenCredentials.clientSecret(TENANT_B, SECRET_CLIENT, SECRET, settings);

    String tokenA = token(a, GRAPH).getToken();
    String tokenB = token(b, GRAPH).getToken();

    assertThat(EntraStandIn.tenantOf(tokenA)).isEqualTo(TENANT_A);
    assertThat(EntraStandIn.tenantOf(tokenB)).isEqualTo(TENANT_B);
    assertThat(EntraStandIn.rolesOf(tokenA)).containsExactly("ApiConnectors.ReadWrite.All");
    assertThat(EntraStandIn.rolesOf(tokenB)).containsExactly("Other.Role");
  }

  /** Every message and toString in the cause chain, suppressed ones included. */
  static String messages(Throwable thrown) {
    StringBuilder all = new StringBuilder();
    collect(thrown, all, 0);
    return all.toString();
  }

  private static void collect(Throwable t, StringBuilder all, int depth) {
    if (t == null || depth > 20) {
      return;
    }
    all.append(t).append('\n');
    for (Throwable s : t.getSuppressed()) {
      collect(s, all, depth + 1);
    }
    collect(t.getCause(), all, depth + 1);
  }

  static String describe(Throwable thrown) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      all.append("\n   ").append(t.getClass().getName()).append(": ").append(t.getMessage());
    }
    return all.toString();
  }

}
