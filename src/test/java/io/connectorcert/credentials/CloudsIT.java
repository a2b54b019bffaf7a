package io.connectorcert.credentials;

import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;

/**
 * One pass per national cloud, each through GRAPH_ENDPOINT and AZURE_AUTHORITY_HOST overrides, with a different kind
 * of credentials Secret each (secret, PEM certificate, PFX certificate, workload identity), beta and v1.0.
 */
class CloudsIT {

  static final String ROLE = "APIConnectors.ReadWrite.All";
  static final String TENANT = "dddddddd-0000-0000-0000-00000000000d";

  @TempDir
  static Path dir;
  static EntraStandIn entra;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    entra = EntraStandIn.start();
    harness = OperatorHarness.start(
        Map.of(OperatorConfig.AZURE_AUTHORITY_HOST, entra.authorityHost().toString()),
        client -> new AzureSecretCredentials(entra.httpClient(), Optional.empty(),
            new ServiceAccountTokenRequests(client, Clock.systemUTC())),
        graph -> graph.acceptTokens(token -> TENANT.equals(EntraStandIn.tenantOf(token))));
    // workload identity: a ServiceAccount of the resources' namespace, trusted by the AzureChina app
    var cluster = harness.kubernetes.serviceAccountTokens();
    entra.trustIssuer(cluster.issuer(), cluster.publicKey());
    entra.registerFederatedClient(TENANT, clientId(Cloud.AzureChina), EntraStandIn.FederatedCredential.serviceAccount(
        cluster.issuer(), OperatorHarness.NAMESPACE, "china-uploader"), ROLE);
    harness.client.resource(new ServiceAccountBuilder().withNewMetadata().withName("china-uploader")
        .withNamespace(OperatorHarness.NAMESPACE).endMetadata().build()).create();
  }

  @AfterAll
  static void stop() {
    harness.close();
    entra.close();
  }

  static String clientId(Cloud cloud) {
    return String.format("%08d-0000-0000-0000-000000000000", cloud.ordinal() + 1);
  }

  /** Each cloud's tenant signs in a different way, so all four credential kinds run for real. */
  static Map<String, byte[]> credentials(Cloud cloud) {
    var data = new HashMap<String, byte[]>();
    data.put("tenantId", bytes(TENANT));
    data.put("clientId", bytes(clientId(cloud)));
    data.put("cloud", bytes(cloud.name()));
    switch (cloud) {
      case AzurePublic -> {
        entra.registerSecretClient(TENANT, clientId(cloud), "public-secret", ROLE);
        data.put("clientSecret", bytes("public-secret"));
      }
      case AzureUSGovernment -> {
        var certificate = EntraStandIn.clientCertificate("usgov");
        entra.registerCertificateClient(TENANT, clientId(cloud), certificate.certificate(), ROLE);
        data.put("clientCertificate", certificate.pem());
      }
      case AzureUSGovernmentDoD -> {
        var certificate = EntraStandIn.clientCertificate("dod");
        entra.registerCertificateClient(TENANT, clientId(cloud), certificate.certificate(), ROLE);
        data.put("clientCertificatePfx", certificate.pfx("pfx-password"));
        data.put("clientCertificatePassword", bytes("pfx-password"));
      }
      case AzureChina -> data.put("serviceAccountName", bytes("china-uploader"));
    }
    return data;
  }

  static void resource(String name, String connector, String credentials, String apiVersion) {
    var certificate = TestCertificates.generate(dir, name + ".contoso.com");
    harness.secret(name + "-tls", Map.of("keystore.p12", TestCertificates.pfx(certificate, LEGACY_RC2, "")));
    var resource = new ApiConnectorCertificate();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(OperatorHarness.NAMESPACE).build());
    resource.setSpec(new ApiConnectorCertificateSpec(connector, new CertificateSecretRef(name + "-tls", null), null,
        new CredentialsSecretRef(credentials), null, apiVersion));
    harness.client.resource(resource).create();
  }

  @ParameterizedTest
  @EnumSource(Cloud.class)
  void eachCloudUploadsWithItsCredentialAndScopeAndHonoursTheV1Rule(Cloud cloud) {
    var name = cloud.name().toLowerCase();
    harness.secret(name + "-credentials", credentials(cloud));
    harness.graph.addConnector("conn-" + name, name, "https://" + name + ".contoso.com");
    harness.graph.addConnector("conn-" + name + "-v1", name, "https://" + name + ".contoso.com");
    resource(name, "conn-" + name, name + "-credentials", "beta");
    resource(name + "-v1", "conn-" + name + "-v1", name + "-credentials", "v1.0");

    var beta = harness.awaitReady(name, "True", Reasons.UPLOADED);
    assertThat(beta.graph()).isEqualTo(new ApiConnectorCertificateStatus.GraphInfo(cloud.name(),
        harness.graph.endpoint().toString(), "beta"));
    assertThat(beta.credentials().clientId()).isEqualTo(clientId(cloud));
    assertThat(entra.tokenRequests(TENANT, clientId(cloud))).isPositive();
    assertThat(entra.scopesRequested()).containsOnly(harness.graph.endpoint() + "/.default");
    assertThat(calls("conn-" + name)).isNotEmpty().allMatch(r -> r.apiVersion().equals("beta"));

    if (cloud.supports("v1.0")) {
      var v1 = harness.awaitReady(name + "-v1", "True", Reasons.UPLOADED);
      assertThat(v1.graph().apiVersion()).isEqualTo("v1.0");
      assertThat(calls("conn-" + name + "-v1")).isNotEmpty().allMatch(r -> r.apiVersion().equals("v1.0"));
    } else {
      var v1 = harness.awaitReady(name + "-v1", "False", Reasons.UNSUPPORTED_CLOUD_API_VERSION);
      assertThat(v1.condition(ApiConnectorCertificateStatus.READY).orElseThrow().getMessage())
          .contains(cloud.name());
      await().pollDelay(Duration.ofMillis(500)).until(() -> true);
      assertThat(calls("conn-" + name + "-v1")).isEmpty();
    }
  }

  static java.util.List<RecordedRequest> calls(String connector) {
    return harness.graph.requests().stream().filter(r -> r.path().endsWith("/" + connector)
        || r.path().contains("/" + connector + "/")).toList();
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
