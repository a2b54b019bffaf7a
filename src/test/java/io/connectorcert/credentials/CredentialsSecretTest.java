package io.connectorcert.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/** Reading a credentials Secret: the workload identity keys (serviceAccountName, legacy workloadIdentity). */
class CredentialsSecretTest {

  static final String TENANT = "11111111-1111-1111-1111-111111111111";
  static final String CLIENT = "22222222-2222-2222-2222-222222222222";

  static Secret secret(String namespace, Map<String, String> values) {
    var data = new HashMap<String, String>();
    values.forEach((k, v) -> data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder().withNewMetadata().withName("creds").withNamespace(namespace).endMetadata()
        .withData(data).build();
  }

  static CredentialSource.FromSecret ok(CredentialsSecret.Parsed parsed) {
    assertThat(parsed).isInstanceOf(CredentialsSecret.Ok.class);
    return ((CredentialsSecret.Ok) parsed).source();
  }

  static String invalid(CredentialsSecret.Parsed parsed) {
    assertThat(parsed).isInstanceOf(CredentialsSecret.Invalid.class);
    return ((CredentialsSecret.Invalid) parsed).message();
  }

  @Test
  void serviceAccountNameIsPerNamespaceWorkloadIdentity() {
    var source = ok(CredentialsSecret.parse(secret("team-a", Map.of("tenantId", TENANT, "clientId", CLIENT,
        "serviceAccountName", "graph-uploader\n")), CredentialSource.NAMESPACE));

    assertThat(source.kind()).isEqualTo(CredentialSource.Kind.WORKLOAD_IDENTITY);
    assertThat(source.namespace()).isEqualTo("team-a");
    assertThat(source.serviceAccountName()).contains("graph-uploader");
    assertThat(source.sharesOperatorIdentity()).isFalse();
    assertThat(source.scope()).isEqualTo(CredentialSource.NAMESPACE);
  }

  @Test
  void theLegacyFlagIsTheSharedWorkloadIdentity() {
    var source = ok(CredentialsSecret.parse(secret("team-a", Map.of("tenantId", TENANT, "clientId", CLIENT,
        "workloadIdentity", "True")), CredentialSource.RESOURCE));

    assertThat(source.kind()).isEqualTo(CredentialSource.Kind.SHARED_WORKLOAD_IDENTITY);
    assertThat(source.sharesOperatorIdentity()).isTrue();
    assertThat(source.serviceAccountName()).isEmpty();

    assertThat(invalid(CredentialsSecret.parse(secret("team-a", Map.of("tenantId", TENANT, "clientId", CLIENT,
        "workloadIdentity", "yes")), CredentialSource.RESOURCE))).contains("workloadIdentity")
        .contains("serviceAccountName");
  }

  @Test
  void serviceAccountNamesMustBeKubernetesNamesOfTheSecretsOwnNamespace() {
    for (var bad : new String[] {"Uploader", "team-b/uploader", "system:serviceaccount:team-b:uploader", "-x",
        "a_b", "x".repeat(254)}) {
      var message = invalid(CredentialsSecret.parse(secret("team-a", Map.of("tenantId", TENANT, "clientId", CLIENT,
          "serviceAccountName", bad)), CredentialSource.RESOURCE));
      assertThat(message).as(bad).contains("creds").contains("serviceAccountName").contains("team-a");
    }
    assertThat(ok(CredentialsSecret.parse(secret("team-a", Map.of("tenantId", TENANT, "clientId", CLIENT,
        "serviceAccountName", "uploader.v2")), CredentialSource.RESOURCE)).serviceAccountName()).contains("uploader.v2");
  }

  @Test
  void serviceAccountNameExcludesEveryOtherCredential() {
    for (var other : new String[] {"clientSecret", "clientCertificate", "clientCertificatePfx", "workloadIdentity"}) {
      var message = invalid(CredentialsSecret.parse(secret("team-a", Map.of("tenantId", TENANT, "clientId", CLIENT,
          "serviceAccountName", "uploader", other, "true")), CredentialSource.RESOURCE));
      assertThat(message).as(other).contains("exactly one of").contains("serviceAccountName").contains(other);
    }
  }

  @Test
  void anotherServiceAccountOrNamespaceIsAnotherCredential() {
    var a = ok(CredentialsSecret.parse(secret("team-a", Map.of("tenantId", TENANT, "clientId", CLIENT,
        "serviceAccountName", "uploader")), CredentialSource.RESOURCE));
    var renamed = ok(CredentialsSecret.parse(secret("team-a", Map.of("tenantId", TENANT, "clientId", CLIENT,
        "serviceAccountName", "uploader-2")), CredentialSource.RESOURCE));
    var b = ok(CredentialsSecret.parse(secret("team-b", Map.of("tenantId", TENANT, "clientId", CLIENT,
        "serviceAccountName", "uploader")), CredentialSource.RESOURCE));

    assertThat(renamed.identity()).isNotEqualTo(a.identity());
    assertThat(b.identity()).isNotEqualTo(a.identity());
    assertThat(a).isNotEqualTo(b);
  }
}
