package io.connectorcert.credentials;

import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.demo.ServiceAccountTokenIssuer;
import io.connectorcert.graph.TokenPermissions;
import io.connectorcert.kube.ServiceAccountTokenRequests;
import io.connectorcert.standin.RecordedRequest;
import io.connectorcert.support.EntraStandIn;
import io.connectorcert.support.EntraStandIn.FederatedCredential;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/**
 * Issue 12, "no namespace acts with another namespace's identity": credentials Secrets name a ServiceAccount of their
 * own namespace; the operator federates a TokenRequest token of it, and Entra (the stand-in) checks the token's
 * subject against the app's federated credentials. The operator runs with the default settings, so the legacy
 * {@code workloadIdentity: "true"} is refused ({@link TenantCredentialsIT} covers it allowed).
 */
class ServiceAccountCredentialsIT {

  static final String ROLE = TokenPermissions.REQUIRED_ROLE;
  static final String TENANT_A = "aaaaaaaa-1200-0000-0000-00000000000a";
  /** Team A's app: it trusts system:serviceaccount:team-a:uploader only. */
  static final String APP_X = "0000000a-1200-1111-1111-111111111111";
  static final String APP_CACHE = "0000000c-1200-1111-1111-111111111111";
  static final String APP_LEGACY = "0000000d-1200-1111-1111-111111111111";
  static final String NS_A = "team-a";
  static final String NS_B = "team-b";
  static final String UPLOADER = "uploader";

  @TempDir
  static Path dir;
  static EntraStandIn entra;
  static OperatorHarness harness;
  static ServiceAccountTokenIssuer cluster;

  @BeforeAll
  static void start() {
    entra = EntraStandIn.start(443);
    harness = OperatorHarness.start(
        Map.of(OperatorConfig.AZURE_AUTHORITY_HOST, entra.authorityHost().toString()),
        client -> new AzureSecretCredentials(entra.httpClient(), Optional.empty(),
            new ServiceAccountTokenRequests(client, Clock.systemUTC())),
        graph -> graph.acceptTokens(token -> EntraStandIn.tenantOf(token) != null)
            .tokenTenant(EntraStandIn::tenantOf));
    // Entra trusts the cluster's service account issuer, as through its OIDC discovery document
    cluster = harness.kubernetes.serviceAccountTokens();
    entra.trustIssuer(cluster.issuer(), cluster.publicKey());
    entra.registerFederatedClient(TENANT_A, APP_X, FederatedCredential.serviceAccount(cluster.issuer(), NS_A,
        UPLOADER), ROLE);
    for (var namespace : new String[] {NS_A, NS_B, "team-c", "team-cache", "team-legacy"}) {
      harness.client.resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    serviceAccount(NS_A, UPLOADER);
    serviceAccount(NS_B, UPLOADER);
  }

  @AfterAll
  static void stop() {
    harness.close();
    entra.close();
  }

  @Test
  void aNamespacesOwnServiceAccountFederatedIntoItsAppUploads() {
    harness.graph.addConnector("conn-a", "a", "https://a.contoso.com", TENANT_A);
    credentials(NS_A, CredentialsSecret.NAMESPACE_DEFAULT_NAME, APP_X, UPLOADER);
    resource(NS_A, "brand-a", "conn-a");

    var status = awaitReady(NS_A, "brand-a", "True", Reasons.UPLOADED);

    assertThat(status.credentials()).isEqualTo(new ApiConnectorCertificateStatus.CredentialsInfo(
        CredentialSource.NAMESPACE, CredentialsSecret.NAMESPACE_DEFAULT_NAME, TENANT_A, APP_X, "WorkloadIdentity"));
    assertThat(harness.graph.uploads("conn-a")).isEqualTo(1);
    assertThat(calls("conn-a")).isNotEmpty().allSatisfy(request -> {
      assertThat(EntraStandIn.tenantOf(request.token())).isEqualTo(TENANT_A);
      assertThat(EntraStandIn.appIdOf(request.token())).isEqualTo(APP_X);
    });
    assertThat(harness.kubernetes.tokenRequests(NS_A, UPLOADER)).isPositive();
  }

  @Test
  void anotherNamespaceNamingThatAppWithItsOwnServiceAccountIsRefusedByEntraAndNeverCallsGraph() {
    harness.graph.addConnector("conn-b", "b", "https://b.contoso.com", TENANT_A);
    credentials(NS_B, "borrowed-app", APP_X, UPLOADER);
    resource(NS_B, "brand-b", "conn-b", "borrowed-app");

    var status = awaitReady(NS_B, "brand-b", "False", Reasons.AUTHENTICATION_FAILED);

    assertThat(message(status)).contains("AADSTS70021");
    // it presented team-b's own ServiceAccount token (which app X does not trust), never team-a's
    assertThat(harness.kubernetes.tokenRequests(NS_B, UPLOADER)).isPositive();
    assertThat(calls("conn-b")).isEmpty();
    assertThat(harness.graph.uploads("conn-b")).isZero();
  }

  @Test
  void aMissingServiceAccountIsNamedWithItsNamespaceAndNothingIsCalled() {
    var app = "0000000e-1200-1111-1111-111111111111";
    entra.registerFederatedClient(TENANT_A, app, FederatedCredential.serviceAccount(cluster.issuer(), "team-c",
        "ghost"), ROLE);
    harness.graph.addConnector("conn-c", "c", "https://c.contoso.com", TENANT_A);
    credentials("team-c", CredentialsSecret.NAMESPACE_DEFAULT_NAME, app, "ghost");
    resource("team-c", "brand-c", "conn-c");

    // the credentials Secret names a ServiceAccount that does not exist: its own mistake, as a missing key would be
    var status = awaitReady("team-c", "brand-c", "False", Reasons.INVALID_CREDENTIALS);

    assertThat(message(status)).contains("ServiceAccount ghost in namespace team-c does not exist");
    assertThat(harness.kubernetes.tokenRequests("team-c", "ghost")).isPositive();
    assertThat(entra.tokenRequests(TENANT_A, app)).isZero();
    assertThat(calls("conn-c")).isEmpty();

    // creating it is the fix: the next reconcile (here the credentials Secret touched) uploads
    serviceAccount("team-c", "ghost");
    harness.secret("team-c", CredentialsSecret.NAMESPACE_DEFAULT_NAME, Map.of("tenantId", bytes(TENANT_A),
        "clientId", bytes(app), "serviceAccountName", bytes("ghost"), "note", bytes("service account created")));
    awaitReady("team-c", "brand-c", "True", Reasons.UPLOADED);
  }

  @Test
  void repeatedReconcilesReuseTheServiceAccountToken() {
    entra.registerFederatedClient(TENANT_A, APP_CACHE, FederatedCredential.serviceAccount(cluster.issuer(),
        "team-cache", UPLOADER), ROLE);
    serviceAccount("team-cache", UPLOADER);
    harness.graph.addConnector("conn-cache", "cache", "https://cache.contoso.com", TENANT_A);
    credentials("team-cache", CredentialsSecret.NAMESPACE_DEFAULT_NAME, APP_CACHE, UPLOADER);
    resource("team-cache", "cached", "conn-cache");
    awaitReady("team-cache", "cached", "True", Reasons.UPLOADED);

    // more reconciles: the certificate Secret touched twice (same certificate), each one reads the connector again
    for (var extra : new String[] {"one", "two"}) {
      var readsBefore = calls("conn-cache").size();
      harness.secret("team-cache", "cached-tls", Map.of("keystore.p12", TestCertificates.pfx(
          TestCertificates.generate(dir, "cached.contoso.com"), LEGACY_RC2, ""), "note", bytes(extra)));
      await().atMost(Duration.ofSeconds(20)).until(() -> calls("conn-cache").size() > readsBefore);
    }

    // azure-identity asks for the assertion twice for its first Entra token (client build, request): one TokenRequest
    assertThat(harness.kubernetes.tokenRequests("team-cache", UPLOADER)).isEqualTo(1);
    if (entra.onStandardPort()) {
      assertThat(entra.tokenRequests(TENANT_A, APP_CACHE)).isEqualTo(1);
    }
    assertThat(harness.graph.uploads("conn-cache")).isEqualTo(1);
  }

  @Test
  void theSharedWorkloadIdentityIsRefusedByDefaultWithTheRiskAndTheMigration() {
    entra.registerFederatedClient(TENANT_A, APP_LEGACY, FederatedCredential.serviceAccount(cluster.issuer(),
        "connector-cert-system", "connector-cert-operator"), ROLE);
    harness.graph.addConnector("conn-legacy", "legacy", "https://legacy.contoso.com", TENANT_A);
    harness.secret("team-legacy", CredentialsSecret.NAMESPACE_DEFAULT_NAME, Map.of("tenantId", bytes(TENANT_A),
        "clientId", bytes(APP_LEGACY), "workloadIdentity", bytes("true")));
    resource("team-legacy", "legacy", "conn-legacy");

    var status = awaitReady("team-legacy", "legacy", "False", Reasons.INVALID_CREDENTIALS);

    assertThat(message(status)).contains("every namespace would act as the operator's identity")
        .contains("ALLOW_SHARED_WORKLOAD_IDENTITY").contains("serviceAccountName")
        .contains("system:serviceaccount:team-legacy:");
    assertThat(calls("conn-legacy")).isEmpty();
    assertThat(entra.tokenRequests(TENANT_A, APP_LEGACY)).isZero();
  }

  // ---------------------------------------------------------------------------------------------------------------

  static void serviceAccount(String namespace, String name) {
    harness.client.resource(new ServiceAccountBuilder().withNewMetadata().withName(name).withNamespace(namespace)
        .endMetadata().build()).create();
  }

  static void credentials(String namespace, String name, String clientId, String serviceAccount) {
    harness.secret(namespace, name, Map.of("tenantId", bytes(TENANT_A), "clientId", bytes(clientId),
        "serviceAccountName", bytes(serviceAccount)));
  }

  static void resource(String namespace, String name, String connector) {
    resource(namespace, name, connector, null);
  }

  static void resource(String namespace, String name, String connector, String credentialsRef) {
    var certificate = TestCertificates.generate(dir, name + ".contoso.com");
    harness.secret(namespace, name + "-tls", Map.of("keystore.p12", TestCertificates.pfx(certificate, LEGACY_RC2,
        "")));
    var resource = new ApiConnectorCertificate();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    resource.setSpec(new ApiConnectorCertificateSpec(connector, new CertificateSecretRef(name + "-tls", null), null,
        credentialsRef == null ? null : new io.connectorcert.api.v1alpha1.CredentialsSecretRef(credentialsRef), null,
        null));
    harness.client.resource(resource).create();
  }

  static ApiConnectorCertificateStatus awaitReady(String namespace, String name, String status, String reason) {
    return harness.awaitReady(namespace, name, status, reason);
  }

  static String message(ApiConnectorCertificateStatus status) {
    return status.condition(ApiConnectorCertificateStatus.READY).orElseThrow().getMessage();
  }

  static java.util.List<RecordedRequest> calls(String connector) {
    return harness.graph.requests().stream().filter(r -> r.path().endsWith("/" + connector)
        || r.path().contains("/" + connector + "/")).toList();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
