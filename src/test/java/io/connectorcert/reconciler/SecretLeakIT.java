package io.connectorcert.reconciler;

import static io.connectorcert.support.TestCertificates.Encoding.AES_DEFAULT;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ch.qos.logback.classic.Level;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.CertificateSecretRef;
import io.connectorcert.api.v1alpha1.CredentialsSecretRef;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.credentials.AzureSecretCredentials;
import io.connectorcert.graph.TokenPermissions;
import io.connectorcert.kube.ServiceAccountTokenRequests;
import io.connectorcert.standin.RecordedRequest;
import io.connectorcert.support.EntraStandIn;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.connectorcert.standin.Fault;
import io.connectorcert.support.LogCapture;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * Runs uploads, wrong passwords, PEM keys and Graph refusals with every logger at DEBUG, then scans all the operator
 * wrote (log lines with stack traces, events, statuses) for the secrets it handled: passwords, the token, and any
 * 16-character piece of the .pfx or key in base64 or PEM form.
 */
class SecretLeakIT {

  static final int WINDOW = 16;

  @TempDir
  static Path dir;
  static OperatorHarness harness;
  static EntraStandIn entra;
  static LogCapture logs;
  static final List<String> secretStrings = new ArrayList<>();
  static final Set<String> secretWindows = new HashSet<>();

  @BeforeAll
  static void start() {
    logs = LogCapture.install(Level.DEBUG);
    entra = EntraStandIn.start();
    harness = OperatorHarness.start(
        Map.of(OperatorConfig.AZURE_AUTHORITY_HOST, entra.authorityHost().toString()),
        client -> new AzureSecretCredentials(entra.httpClient(), Optional.empty(),
            new ServiceAccountTokenRequests(client, Clock.systemUTC())),
        graph -> graph.acceptTokens(token -> OperatorHarness.TOKEN.equals(token)
            || EntraStandIn.tenantOf(token) != null));
  }

  @AfterAll
  static void stop() {
    harness.close();
    entra.close();
    LogCapture.install(Level.INFO);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void remember(String secret) {
    secretStrings.add(secret);
  }

  static void rememberBytes(byte[] bytes) {
    rememberWindows(java.util.Base64.getEncoder().encodeToString(bytes));
  }

  /** Each line of base64 inside a PEM, as it would appear if a key were logged as text. */
  static void rememberPem(byte[] pem) {
    for (var line : new String(pem, StandardCharsets.US_ASCII).split("\n")) {
      if (!line.startsWith("-----")) {
        rememberWindows(line);
      }
    }
  }

  static void rememberWindows(String text) {
    for (int i = 0; i + WINDOW <= text.length(); i++) {
      secretWindows.add(text.substring(i, i + WINDOW));
    }
  }

  @Test
  void nothingTheOperatorWritesHoldsSecretMaterial() throws Exception {
    var certificate = TestCertificates.generate(dir, "leak.contoso.com");
    remember(OperatorHarness.TOKEN);

    // an upload with a password
    var pfx = TestCertificates.pfx(certificate, LEGACY_RC2, "Leak-Password-One");
    remember("Leak-Password-One");
    rememberBytes(pfx);
    harness.graph.addConnector("conn-leak-ok", "ok", "https://api.contoso.com/ok");
    harness.keystoreSecret("leak-ok", pfx);
    harness.password("leak-ok-pw", "Leak-Password-One");
    harness.resource("leak-ok", "conn-leak-ok", "leak-ok", "leak-ok-pw");

    // a wrong password
    var aes = TestCertificates.pfx(certificate, AES_DEFAULT, "Leak-Password-Two");
    remember("Leak-Password-Two");
    remember("Leak-Password-Wrong");
    rememberBytes(aes);
    harness.graph.addConnector("conn-leak-wrong", "wrong", "https://api.contoso.com/wrong");
    harness.keystoreSecret("leak-wrong", aes);
    harness.password("leak-wrong-pw", "Leak-Password-Wrong");
    harness.resource("leak-wrong", "conn-leak-wrong", "leak-wrong", "leak-wrong-pw");

    // a PEM key, uploaded to a connector whose upload Graph refuses
    var key = TestCertificates.pkcs1Key(certificate);
    rememberPem(key);
    rememberPem(TestCertificates.pkcs8Key(certificate));
    rememberBytes(key);
    harness.graph.addConnector("conn-leak-pem", "pem", "https://api.contoso.com/pem");
    for (int i = 0; i < 5; i++) { // refused for as long as the test looks
      harness.graph.failNext(Fault.status(400).onlyFor("POST").forConnector("conn-leak-pem"));
    }
    harness.secret("leak-pem", Map.of("tls.crt", TestCertificates.certPem(certificate), "tls.key", key));
    harness.resource("leak-pem", "conn-leak-pem", "leak-pem", null);

    // credentials Secrets: a client secret, and a client certificate with its key
    var tenant = "eeeeeeee-0000-0000-0000-00000000000e";
    entra.registerSecretClient(tenant, "0000000f-0000-0000-0000-000000000001", "Leak-Client-Secret-Value",
        TokenPermissions.REQUIRED_ROLE);
    remember("Leak-Client-Secret-Value");
    harness.secret("leak-tenant-secret", Map.of("tenantId", bytes(tenant),
        "clientId", bytes("0000000f-0000-0000-0000-000000000001"), "clientSecret", bytes("Leak-Client-Secret-Value")));
    var clientCertificate = EntraStandIn.clientCertificate("leak-client");
    entra.registerCertificateClient(tenant, "0000000f-0000-0000-0000-000000000002", clientCertificate.certificate(),
        TokenPermissions.REQUIRED_ROLE);
    rememberPem(clientCertificate.pem());
    harness.secret("leak-tenant-certificate", Map.of("tenantId", bytes(tenant),
        "clientId", bytes("0000000f-0000-0000-0000-000000000002"), "clientCertificate", clientCertificate.pem()));
    // workload identity: a ServiceAccount of the namespace, its tokens from the TokenRequest API
    var kubernetesTokens = harness.kubernetes.serviceAccountTokens();
    kubernetesTokens.onIssue(SecretLeakIT::remember);
    entra.trustIssuer(kubernetesTokens.issuer(), kubernetesTokens.publicKey());
    entra.registerFederatedClient(tenant, "0000000f-0000-0000-0000-000000000003",
        EntraStandIn.FederatedCredential.serviceAccount(kubernetesTokens.issuer(), OperatorHarness.NAMESPACE,
            "leak-uploader"), TokenPermissions.REQUIRED_ROLE);
    harness.client.resource(new ServiceAccountBuilder().withNewMetadata().withName("leak-uploader")
        .withNamespace(OperatorHarness.NAMESPACE).endMetadata().build()).create();
    harness.secret("leak-tenant-workload", Map.of("tenantId", bytes(tenant),
        "clientId", bytes("0000000f-0000-0000-0000-000000000003"), "serviceAccountName", bytes("leak-uploader")));
    for (var kind : List.of("secret", "certificate", "workload")) {
      harness.graph.addConnector("conn-leak-" + kind, kind, "https://api.contoso.com/" + kind);
      harness.keystoreSecret("leak-" + kind + "-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      var resource = new ApiConnectorCertificate();
      resource.setMetadata(new ObjectMetaBuilder().withName("leak-" + kind).withNamespace(OperatorHarness.NAMESPACE)
          .build());
      resource.setSpec(new ApiConnectorCertificateSpec("conn-leak-" + kind,
          new CertificateSecretRef("leak-" + kind + "-tls", null), null,
          new CredentialsSecretRef("leak-tenant-" + kind), null, null));
      harness.client.resource(resource).create();
    }

    harness.awaitReady("leak-ok", "True", Reasons.UPLOADED);
    harness.awaitReady("leak-secret", "True", Reasons.UPLOADED);
    harness.awaitReady("leak-certificate", "True", Reasons.UPLOADED);
    harness.awaitReady("leak-workload", "True", Reasons.UPLOADED);
    assertThat(harness.kubernetes.tokenRequests(OperatorHarness.NAMESPACE, "leak-uploader")).isPositive();
    harness.awaitReady("leak-wrong", "False", Reasons.WRONG_PASSWORD);
    harness.awaitReady("leak-pem", "False", Reasons.GRAPH_REJECTED);
    var reconciles = harness.reconciles.of("leak-ok");
    harness.restartOperator(); // start-up and shutdown paths log too
    await().atMost(Duration.ofSeconds(20)).until(() -> harness.reconciles.of("leak-ok") > reconciles);

    // the embedded API server's own logs print Secrets as stored: that is the cluster's side, not the operator's
    // every access token Graph saw, the operator's and Entra's
    harness.graph.requests().stream().map(RecordedRequest::token).distinct().forEach(SecretLeakIT::remember);
    assertThat(harness.graph.requests()).extracting(RecordedRequest::token)
        .filteredOn(token -> !OperatorHarness.TOKEN.equals(token)).isNotEmpty()
        .allMatch(token -> EntraStandIn.tenantOf(token) != null);

    var written = new ArrayList<String>(logs.lines().stream()
        .filter(line -> !line.startsWith("io.fabric8.kubernetes.client.server.mock")
            && !line.startsWith("io.fabric8.mockwebserver"))
        .toList());
    var serialization = new KubernetesSerialization();
    for (var name : List.of("leak-ok", "leak-wrong", "leak-pem", "leak-secret", "leak-certificate", "leak-workload")) {
      written.add(serialization.asJson(harness.get(name).getStatus()));
      harness.events(name).stream().map(Event::getMessage).forEach(written::add);
    }
    assertThat(written).as("captured output").hasSizeGreaterThan(50);
    assertThat(written).anyMatch(line -> line.contains("leak-ok"));

    var hits = new ArrayList<String>();
    for (var text : written) {
      for (var secret : secretStrings) {
        if (text.contains(secret)) {
          hits.add("secret string in: " + text);
        }
      }
      for (int i = 0; i + WINDOW <= text.length(); i++) {
        if (secretWindows.contains(text.substring(i, i + WINDOW))) {
          hits.add("base64 piece " + text.substring(i, i + WINDOW) + " in: " + text);
          break;
        }
      }
    }
    if (!hits.isEmpty()) {
      Files.write(dir.resolve("leaks.txt"), hits);
    }
    assertThat(hits).as("secret material in logs, events or status").isEmpty();
  }
}
