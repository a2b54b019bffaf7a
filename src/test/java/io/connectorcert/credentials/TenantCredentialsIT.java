package io.connectorcert.credentials;

import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.CertificateSecretRef;
import io.connectorcert.api.v1alpha1.CredentialsSecretRef;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.kube.ServiceAccountTokenRequests;
import io.connectorcert.standin.RecordedRequest;
import io.connectorcert.support.EntraStandIn;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * Two tenants in two namespaces, real azure-identity credentials from credentials Secrets against a local Entra, and
 * a Graph that only lets each tenant's token see that tenant's connector.
 */
class TenantCredentialsIT {

  static final String ROLE = "APIConnectors.ReadWrite.All";
  static final String TENANT_A = "aaaaaaaa-0000-0000-0000-00000000000a";
  static final String TENANT_B = "bbbbbbbb-0000-0000-0000-00000000000b";
  static final String CLIENT_A = "0000000a-1111-1111-1111-111111111111";
  static final String CLIENT_B = "0000000b-2222-2222-2222-222222222222";
  static final String CLIENT_W = "0000000c-3333-3333-3333-333333333333";
  /** Tenant B's app for the token-counting test alone, so other tests' credentials do not add to its count. */
  static final String CLIENT_B_COUNTED = "0000000e-5555-5555-5555-555555555555";
  static final String NS_A = OperatorHarness.NAMESPACE;
  static final String NS_B = "brand-b";
  static final String OPERATOR_NAMESPACE = "connector-cert-system";
  static final String OPERATOR_SERVICE_ACCOUNT = "connector-cert-operator";

  @TempDir
  static Path dir;
  static EntraStandIn entra;
  static OperatorHarness harness;
  static Path projectedToken;

  @BeforeAll
  static void start() throws Exception {
    entra = EntraStandIn.start(443);
    entra.registerSecretClient(TENANT_A, CLIENT_A, "secret-of-a", ROLE);
    entra.registerSecretClient(TENANT_B, CLIENT_B, "secret-of-b", ROLE);
    entra.registerSecretClient(TENANT_B, CLIENT_B_COUNTED, "secret-of-b-counted", ROLE);
    projectedToken = dir.resolve("azure-identity-token");
    // this harness allows the legacy shared mode: workloadIdentity: "true" federates the operator's own token
    harness = OperatorHarness.start(
        Map.of(OperatorConfig.AZURE_AUTHORITY_HOST, entra.authorityHost().toString(),
            OperatorConfig.AZURE_FEDERATED_TOKEN_FILE, projectedToken.toString(),
            OperatorConfig.ALLOW_SHARED_WORKLOAD_IDENTITY, "true"),
        client -> new AzureSecretCredentials(entra.httpClient(), Optional.of(projectedToken),
            new ServiceAccountTokenRequests(client, Clock.systemUTC())),
        graph -> graph.acceptTokens(token -> EntraStandIn.tenantOf(token) != null)
            .tokenTenant(EntraStandIn::tenantOf));
    // the operator's projected token, as the kubelet writes it for the operator's own ServiceAccount
    var cluster = harness.kubernetes.serviceAccountTokens();
    Files.writeString(projectedToken, cluster.issue(OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT, "operator-uid",
        List.of(ServiceAccountTokens.AUDIENCE), Duration.ofHours(1)).token());
    entra.trustIssuer(cluster.issuer(), cluster.publicKey());
    entra.registerFederatedClient(TENANT_B, CLIENT_W, EntraStandIn.FederatedCredential.serviceAccount(
        cluster.issuer(), OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT), ROLE);
    harness.client.resource(new NamespaceBuilder().withNewMetadata().withName(NS_B).endMetadata().build()).create();
  }

  @AfterAll
  static void stop() {
    harness.close();
    entra.close();
  }

  static void credentials(String namespace, String name, String tenant, String client, String secret) {
    harness.secret(namespace, name, Map.of("tenantId", bytes(tenant), "clientId", bytes(client),
        "clientSecret", bytes(secret)));
  }

  static void resource(String namespace, String name, String connector, String credentialsRef, String cloud) {
    var certificate = TestCertificates.generate(dir, name + ".contoso.com");
    harness.secret(namespace, name + "-tls", Map.of("keystore.p12", TestCertificates.pfx(certificate, LEGACY_RC2,
        "")));
    var resource = new ApiConnectorCertificate();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    resource.setSpec(new ApiConnectorCertificateSpec(connector, new CertificateSecretRef(name + "-tls", null), null,
        credentialsRef == null ? null : new CredentialsSecretRef(credentialsRef), cloud, null));
    harness.client.resource(resource).create();
  }

  static ApiConnectorCertificateStatus awaitReady(String namespace, String name, String status, String reason) {
    return harness.awaitReady(namespace, name, status, reason);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void eachTenantsCallsCarryItsOwnTokenAndTokensAreFetchedOncePerCredential() {
    harness.graph.addConnector("conn-a", "a", "https://a.contoso.com", TENANT_A);
    harness.graph.addConnector("conn-b", "b", "https://b.contoso.com", TENANT_B);
    credentials(NS_A, "connectorcert-credentials", TENANT_A, CLIENT_A, "secret-of-a");
    credentials(NS_B, "tenant-b", TENANT_B, CLIENT_B_COUNTED, "secret-of-b-counted");
    resource(NS_A, "brand-a", "conn-a", null, null);
    resource(NS_B, "brand-b", "conn-b", "tenant-b", null);

    var a = awaitReady(NS_A, "brand-a", "True", Reasons.UPLOADED);
    var b = awaitReady(NS_B, "brand-b", "True", Reasons.UPLOADED);

    assertThat(a.credentials()).isEqualTo(new ApiConnectorCertificateStatus.CredentialsInfo(
        CredentialSource.NAMESPACE, "connectorcert-credentials", TENANT_A, CLIENT_A, "ClientSecret"));
    assertThat(b.credentials()).isEqualTo(new ApiConnectorCertificateStatus.CredentialsInfo(
        CredentialSource.RESOURCE, "tenant-b", TENANT_B, CLIENT_B_COUNTED, "ClientSecret"));
    assertThat(b.graph().cloud()).isEqualTo("AzurePublic");
    for (var request : harness.graph.requests()) {
      var expected = request.path().contains("conn-a") ? TENANT_A : request.path().contains("conn-b") ? TENANT_B : null;
      if (expected != null) {
        assertThat(EntraStandIn.tenantOf(request.token())).as(request.path()).isEqualTo(expected);
      }
    }
    assertThat(entra.scopesRequested()).containsOnly(harness.graph.endpoint() + "/.default");

    // more reconciles (the certificate Secret touched twice, same certificate) reuse the cached token
    for (var extra : new String[] {"one", "two"}) {
      var readsBefore = graphCalls("conn-a");
      harness.secret(NS_A, "brand-a-tls", Map.of("keystore.p12", TestCertificates.pfx(
          TestCertificates.generate(dir, "brand-a.contoso.com"), LEGACY_RC2, ""), "note", bytes(extra)));
      await().atMost(Duration.ofSeconds(10)).until(() -> graphCalls("conn-a") > readsBefore);
    }
    assertThat(harness.graph.uploads("conn-a")).isEqualTo(1);
    if (entra.onStandardPort()) {
      assertThat(entra.tokenRequests(TENANT_A, CLIENT_A)).isEqualTo(1);
      assertThat(entra.tokenRequests(TENANT_B, CLIENT_B_COUNTED)).isEqualTo(1);
    }
  }

  @Test
  void aWrongSecretIsAuthenticationFailedWithTheEntraCodeAndAFixRecoversWithoutRestart() {
    harness.graph.addConnector("conn-rotate", "rotate", "https://r.contoso.com", TENANT_B);
    credentials(NS_B, "rotating", TENANT_B, CLIENT_B, "secret-of-b");
    resource(NS_B, "rotate", "conn-rotate", "rotating", null);
    awaitReady(NS_B, "rotate", "True", Reasons.UPLOADED);

    credentials(NS_B, "rotating", TENANT_B, CLIENT_B, "a-wrong-secret");
    var failed = awaitReady(NS_B, "rotate", "False", Reasons.AUTHENTICATION_FAILED);
    var message = failed.condition(ApiConnectorCertificateStatus.READY).orElseThrow().getMessage();
    assertThat(message).contains("AADSTS7000215").doesNotContain("a-wrong-secret").doesNotContain("secret-of-b");

    credentials(NS_B, "rotating", TENANT_B, CLIENT_B, "secret-of-b");
    awaitReady(NS_B, "rotate", "True", Reasons.UPLOADED);
  }

  @Test
  void deletingTheReferencedCredentialsSecretNamesIt() {
    harness.graph.addConnector("conn-gone", "gone", "https://g.contoso.com", TENANT_B);
    credentials(NS_B, "short-lived", TENANT_B, CLIENT_B, "secret-of-b");
    resource(NS_B, "gone", "conn-gone", "short-lived", null);
    awaitReady(NS_B, "gone", "True", Reasons.UPLOADED);

    harness.client.secrets().inNamespace(NS_B).withName("short-lived").delete();

    var status = awaitReady(NS_B, "gone", "False", Reasons.AUTHENTICATION_FAILED);
    assertThat(status.condition(ApiConnectorCertificateStatus.READY).orElseThrow().getMessage())
        .contains("short-lived");
  }

  /** The legacy shared mode still works where ALLOW_SHARED_WORKLOAD_IDENTITY=true (this class's harness). */
  @Test
  void sharedWorkloadIdentityWhenAllowedUsesTheOperatorsProjectedTokenForAnotherTenant() {
    harness.graph.addConnector("conn-wi", "wi", "https://wi.contoso.com", TENANT_B);
    harness.secret(NS_B, "federated", Map.of("tenantId", bytes(TENANT_B), "clientId", bytes(CLIENT_W),
        "workloadIdentity", bytes("true")));
    resource(NS_B, "wi", "conn-wi", "federated", null);

    var status = awaitReady(NS_B, "wi", "True", Reasons.UPLOADED);
    assertThat(status.credentials().clientId()).isEqualTo(CLIENT_W);
    assertThat(status.credentials().kind()).isEqualTo("SharedWorkloadIdentity");
    assertThat(entra.tokenRequests(TENANT_B, CLIENT_W)).isPositive();
    assertThat(harness.graph.uploads("conn-wi")).isEqualTo(1);
    // it works, and says what it risks, once
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(harness.client.v1().events()
        .inNamespace(NS_B).list().getItems()).filteredOn(e -> "wi".equals(e.getInvolvedObject().getName()))
        .filteredOn(e -> Reasons.SHARED_WORKLOAD_IDENTITY.equals(e.getReason())).singleElement()
        .satisfies(e -> {
          assertThat(e.getType()).isEqualTo("Warning");
          assertThat(e.getMessage()).contains("every namespace").contains("serviceAccountName")
              .contains("ALLOW_SHARED_WORKLOAD_IDENTITY");
        }));
  }

  @Test
  void malformedCredentialsAreReportedWithoutACall() {
    harness.graph.addConnector("conn-bad", "bad", "https://bad.contoso.com", TENANT_B);
    harness.secret(NS_B, "bad-credentials", Map.of("tenantId", bytes(TENANT_B), "clientSecret", bytes("x")));
    resource(NS_B, "bad", "conn-bad", "bad-credentials", null);

    var status = awaitReady(NS_B, "bad", "False", Reasons.INVALID_CREDENTIALS);
    assertThat(status.condition(ApiConnectorCertificateStatus.READY).orElseThrow().getMessage())
        .contains("bad-credentials").contains("clientId");
    assertThat(graphCalls("conn-bad")).isZero();
  }

  @Test
  void anAppWithoutTheRoleIsForbiddenBeforeGraphIsCalled() {
    var tenantC = "cccccccc-0000-0000-0000-00000000000c";
    var clientC = "0000000d-4444-4444-4444-444444444444";
    entra.registerSecretClient(tenantC, clientC, "secret-of-c", "User.Read.All");
    harness.graph.addConnector("conn-norole", "norole", "https://n.contoso.com", tenantC);
    credentials(NS_B, "no-role", tenantC, clientC, "secret-of-c");
    resource(NS_B, "norole", "conn-norole", "no-role", null);

    var status = awaitReady(NS_B, "norole", "False", Reasons.FORBIDDEN);
    assertThat(status.condition(ApiConnectorCertificateStatus.READY).orElseThrow().getMessage())
        .contains("APIConnectors.ReadWrite.All").contains(clientC).contains("User.Read.All");
    assertThat(graphCalls("conn-norole")).isZero();
  }

  static long graphCalls(String connector) {
    return harness.graph.requests().stream().map(RecordedRequest::path).filter(p -> p.contains(connector)).count();
  }
}
