package io.connectorcert.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.CertificateSecretRef;
import io.connectorcert.api.v1alpha1.CredentialsSecretRef;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/** Which credential and target a resource gets: most specific wins; bad Secrets name the key, never its value. */
class GraphRoutesTest {

  static final String TENANT = "11111111-1111-1111-1111-111111111111";
  static final String CLIENT = "22222222-2222-2222-2222-222222222222";
  static final OperatorConfig CONFIG = OperatorConfig.fromEnvironment(Map.of());

  static Secret secret(String name, Map<String, String> values) {
    var data = new HashMap<String, String>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace("ns").endMetadata().withData(data)
        .build();
  }

  static Secret clientSecret(String name, String value) {
    return secret(name, Map.of("tenantId", TENANT, "clientId", CLIENT, "clientSecret", value));
  }

  static ApiConnectorCertificateSpec spec(String credentialsRef, String cloud, String apiVersion) {
    return new ApiConnectorCertificateSpec("conn", new CertificateSecretRef("tls", null), null,
        credentialsRef == null ? null : new CredentialsSecretRef(credentialsRef), cloud, apiVersion);
  }

  static GraphRoute route(GraphRoutes.Resolved resolved) {
    assertThat(resolved).isInstanceOf(GraphRoutes.Route.class);
    return ((GraphRoutes.Route) resolved).route();
  }

  static GraphRoutes.Problem problem(GraphRoutes.Resolved resolved) {
    assertThat(resolved).isInstanceOf(GraphRoutes.Problem.class);
    return (GraphRoutes.Problem) resolved;
  }

  @Test
  void resourceCredentialsBeatNamespaceCredentialsWhichBeatTheOperators() {
    var own = Optional.of(clientSecret("own", "own-value"));
    var namespace = Optional.of(clientSecret(CredentialsSecret.NAMESPACE_DEFAULT_NAME, "ns-value"));

    var resourceLevel = route(GraphRoutes.resolve(spec("own", null, null), own, namespace, CONFIG));
    assertThat(resourceLevel.credential().scope()).isEqualTo(CredentialSource.RESOURCE);
    assertThat(((CredentialSource.FromSecret) resourceLevel.credential()).secretName()).isEqualTo("own");

    var namespaceLevel = route(GraphRoutes.resolve(spec(null, null, null), Optional.empty(), namespace, CONFIG));
    assertThat(namespaceLevel.credential().scope()).isEqualTo(CredentialSource.NAMESPACE);

    var operatorLevel = route(GraphRoutes.resolve(spec(null, null, null), Optional.empty(), Optional.empty(), CONFIG));
    assertThat(operatorLevel.credential()).isInstanceOf(CredentialSource.Operator.class);
    assertThat(operatorLevel.target().cloud()).isEqualTo(Cloud.AzurePublic);
  }

  @Test
  void theResourcesCloudBeatsTheCredentialsCloudWhichBeatsTheOperators() {
    var chinaSecret = Optional.of(secret("own", Map.of("tenantId", TENANT, "clientId", CLIENT, "clientSecret", "v",
        "cloud", "AzureChina")));
    assertThat(route(GraphRoutes.resolve(spec("own", null, null), chinaSecret, Optional.empty(), CONFIG)).target()
        .cloud()).isEqualTo(Cloud.AzureChina);
    assertThat(route(GraphRoutes.resolve(spec("own", "AzureUSGovernment", null), chinaSecret, Optional.empty(),
        CONFIG)).target().cloud()).isEqualTo(Cloud.AzureUSGovernment);
  }

  @Test
  void v1InAUsGovernmentCloudIsRefusedWithoutACall() {
    var problem = problem(GraphRoutes.resolve(spec(null, "AzureUSGovernmentDoD", "v1.0"), Optional.empty(),
        Optional.empty(), CONFIG));
    assertThat(problem.reason()).isEqualTo(Reasons.UNSUPPORTED_CLOUD_API_VERSION);
    assertThat(problem.message()).contains("AzureUSGovernmentDoD").contains("beta");
    assertThat(route(GraphRoutes.resolve(spec(null, "AzureChina", "v1.0"), Optional.empty(), Optional.empty(),
        CONFIG)).target().apiVersion()).isEqualTo("v1.0");
  }

  @Test
  void aMissingReferencedSecretIsAnAuthenticationFailureNamingIt() {
    var problem = problem(GraphRoutes.resolve(spec("gone", null, null), Optional.empty(), Optional.empty(), CONFIG));
    assertThat(problem.reason()).isEqualTo(Reasons.AUTHENTICATION_FAILED);
    assertThat(problem.message()).contains("gone");
  }

  @Test
  void malformedSecretsAreInvalidCredentialsNamingTheKeyNeverTheValue() {
    record Bad(Map<String, String> values, String mustSay) {}
    var bads = new Bad[] {
        new Bad(Map.of("clientId", CLIENT, "clientSecret", "Sup3r-Secret"), "tenantId"),
        new Bad(Map.of("tenantId", TENANT, "clientSecret", "Sup3r-Secret"), "clientId"),
        new Bad(Map.of("tenantId", TENANT, "clientId", "not-a-guid", "clientSecret", "Sup3r-Secret"), "clientId"),
        new Bad(Map.of("tenantId", TENANT, "clientId", CLIENT), "exactly one of"),
        new Bad(Map.of("tenantId", TENANT, "clientId", CLIENT, "clientSecret", "Sup3r-Secret",
            "workloadIdentity", "true"), "clientSecret and workloadIdentity"),
        new Bad(Map.of("tenantId", TENANT, "clientId", CLIENT, "clientCertificate", "Sup3r-Secret"),
            "clientCertificate"),
        new Bad(Map.of("tenantId", TENANT, "clientId", CLIENT, "clientSecret", "Sup3r-Secret", "cloud", "Mars"),
            "cloud"),
        new Bad(Map.of("tenantId", TENANT, "clientId", CLIENT, "workloadIdentity", "true"),
            "ALLOW_SHARED_WORKLOAD_IDENTITY"),
        new Bad(Map.of("tenantId", TENANT, "clientId", CLIENT, "serviceAccountName", "Sup3r-Secret"),
            "serviceAccountName"),
        new Bad(Map.of("tenantId", TENANT, "clientId", CLIENT, "serviceAccountName", "uploader",
            "clientSecret", "Sup3r-Secret"), "clientSecret and serviceAccountName")};
    for (var bad : bads) {
      var problem = problem(GraphRoutes.resolve(spec("own", null, null), Optional.of(secret("own", bad.values())),
          Optional.empty(), CONFIG));
      assertThat(problem.reason()).as(bad.mustSay()).isEqualTo(Reasons.INVALID_CREDENTIALS);
      assertThat(problem.message()).as(bad.mustSay()).contains("own").contains(bad.mustSay())
          .doesNotContain("Sup3r-Secret");
    }
  }

  @Test
  void rotatingTheSecretChangesTheCredentialsIdentityButNotItsScope() {
    var before = (CredentialSource.FromSecret) route(GraphRoutes.resolve(spec("own", null, null),
        Optional.of(clientSecret("own", "first")), Optional.empty(), CONFIG)).credential();
    var after = (CredentialSource.FromSecret) route(GraphRoutes.resolve(spec("own", null, null),
        Optional.of(clientSecret("own", "second")), Optional.empty(), CONFIG)).credential();
    assertThat(after.identity()).isNotEqualTo(before.identity());
    assertThat(after.identity()).startsWith("ns/own#").doesNotContain("second");
    assertThat(after.toString()).doesNotContain("second");
  }

  @Test
  void aServiceAccountNameFederatesThatServiceAccountOfTheSecretsNamespace() {
    var secret = secret("own", Map.of("tenantId", TENANT, "clientId", CLIENT, "serviceAccountName", " uploader "));
    var credential = (CredentialSource.FromSecret) route(GraphRoutes.resolve(spec("own", null, null),
        Optional.of(secret), Optional.empty(), CONFIG)).credential();
    assertThat(credential.kind()).isEqualTo(CredentialSource.Kind.WORKLOAD_IDENTITY);
    assertThat(credential.namespace()).isEqualTo("ns");
    assertThat(credential.serviceAccountName()).contains("uploader");
    assertThat(credential.sharesOperatorIdentity()).isFalse();
  }

  @Test
  void theSharedWorkloadIdentityIsRefusedByDefaultExplainingTheRiskAndTheWayOut() {
    var legacy = Optional.of(secret("legacy", Map.of("tenantId", TENANT, "clientId", CLIENT,
        "workloadIdentity", "true")));
    var problem = problem(GraphRoutes.resolve(spec("legacy", null, null), legacy, Optional.empty(), CONFIG));
    assertThat(problem.reason()).isEqualTo(Reasons.INVALID_CREDENTIALS);
    assertThat(problem.message()).contains("legacy").contains("every namespace would act as the operator's identity")
        .contains("serviceAccountName").contains("system:serviceaccount:ns:").contains(CLIENT)
        .contains("api://AzureADTokenExchange").contains("ALLOW_SHARED_WORKLOAD_IDENTITY=true");

    var allowedWithoutToken = OperatorConfig.fromEnvironment(Map.of("ALLOW_SHARED_WORKLOAD_IDENTITY", "true"));
    assertThat(problem(GraphRoutes.resolve(spec("legacy", null, null), legacy, Optional.empty(), allowedWithoutToken))
        .message()).contains("AZURE_FEDERATED_TOKEN_FILE");

    var allowed = OperatorConfig.fromEnvironment(Map.of("ALLOW_SHARED_WORKLOAD_IDENTITY", "true",
        "AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token"));
    var credential = route(GraphRoutes.resolve(spec("legacy", null, null), legacy, Optional.empty(), allowed))
        .credential();
    assertThat(credential.sharesOperatorIdentity()).isTrue();
    assertThat(((CredentialSource.FromSecret) credential).kind())
        .isEqualTo(CredentialSource.Kind.SHARED_WORKLOAD_IDENTITY);
    // the operator-wide credential is the operator's own, but no namespace chose it: not the shared mode
    assertThat(route(GraphRoutes.resolve(spec(null, null, null), Optional.empty(), Optional.empty(), allowed))
        .credential().sharesOperatorIdentity()).isFalse();
  }
}
