package io.connectorcert.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import io.connectorcert.ConnectorCertOperator;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.graph.GraphClients;
import io.connectorcert.graph.GraphTraffic;
import io.connectorcert.standin.GraphStandIn;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * {@code java -jar connector-cert-operator.jar demo}: the whole loop on one machine, with no cluster and no tenant. An
 * embedded Kubernetes API and the Graph stand-in on loopback, the real operator between them, the examples from
 * deploy/examples applied, one upload, one renewal.
 */
public final class Demo {

  static final String CONNECTOR_ID = "45715bb8-13f9-4bf6-927f-ef96c102d394";
  static final String NAMESPACE = "identity";
  static final String RESOURCE = "signup-api";
  static final String KEYSTORE_SECRET = "signup-api-tls";
  static final String PASSWORD_SECRET = "signup-api-pfx-password";
  /** deploy/examples, packaged into the jar by the build. */
  static final List<String> EXAMPLES = List.of("namespace.yaml", "cert-manager-certificate.yaml", "signup-api.yaml");
  private static final String DEMO_TOKEN = "demo-token-for-the-stand-in";
  private static final Duration WAIT = Duration.ofSeconds(60);

  private final PrintStream out;

  private Demo(PrintStream out) {
    this.out = out;
  }

  /** Runs the demo; returns the process exit code. */
  public static int run(PrintStream out) {
    try {
      new Demo(out).run();
      return 0;
    } catch (TimeoutException e) {
      out.println("FAILED: " + e.getMessage());
      return 1;
    }
  }

  private void run() throws TimeoutException {
    step("Starting an embedded Kubernetes API (fabric8 mock server, CRUD mode) and a Graph stand-in on loopback");
    try (var kubernetes = EmbeddedKubernetes.start();
        var graph = GraphStandIn.builder().acceptTokens(java.util.Set.of(DEMO_TOKEN)).start()) {
      out.println("  Kubernetes API: " + kubernetes.url() + " (CRD apiconnectorcertificates.connectorcert.io applied)");
      out.println("  Graph:          " + graph.endpoint() + "/beta");
      graph.addConnector(CONNECTOR_ID, "My API connector", "https://api.contoso.com/endpoint");
      out.println("  API connector " + CONNECTOR_ID + " (My API connector) holds no certificate yet");

      step("Starting the operator");
      var config = OperatorConfig.fromEnvironment(Map.of(OperatorConfig.GRAPH_ENDPOINT, graph.endpoint().toString()));
      var client = kubernetes.client();
      // the operator-wide credential only: the demo's resource names no credentials Secret
      try (var graphClient = new GraphClients(new StaticTokenCredential(DEMO_TOKEN), (source, authority) -> {
        throw new IllegalStateException("the demo has no Entra for credentials Secrets");
      }, Duration.ofSeconds(30), GraphTraffic.of(config.graphMaxConcurrency(), config.graphBudget()));
          var operatorClient = kubernetes.newClient();
          var operator = ConnectorCertOperator.start(operatorClient, graphClient, config, Clock.systemUTC())) {

        step("Applying deploy/examples/");
        var password = applyExamples(client);

        step("cert-manager's part: writing a fresh certificate into Secret " + KEYSTORE_SECRET + " (keystore.p12)");
        writeKeystore(client, "signup-api.contoso.com", password);
        var first = await(client, "the first upload", s -> s.uploadedThumbprint() != null);
        out.println("  Secret certificate: " + first.secretCertificate().thumbprint() + "  "
            + first.secretCertificate().subject() + "  valid until " + first.secretCertificate().notAfter());
        printGet(client);
        out.println("  Graph now holds: " + graph.certificates(CONNECTOR_ID).size() + " certificate(s), "
            + graph.uploads(CONNECTOR_ID) + " upload(s)");

        step("Renewal: cert-manager writes a new certificate into the same Secret");
        writeKeystore(client, "signup-api.contoso.com", password);
        var second = await(client, "the renewed certificate's upload",
            s -> s.uploadedThumbprint() != null && !s.uploadedThumbprint().equals(first.uploadedThumbprint())
                && s.activeThumbprint() != null && s.activeThumbprint().equals(s.uploadedThumbprint()));
        out.println("  Old certificate: " + first.uploadedThumbprint());
        out.println("  New certificate: " + second.uploadedThumbprint() + " (active)");
        printGet(client);
        out.println("  Graph now holds: " + graph.certificates(CONNECTOR_ID).size() + " certificate(s), "
            + graph.uploads(CONNECTOR_ID) + " upload(s)");

        step("Final status (kubectl get acc " + RESOURCE + " -n " + NAMESPACE + " -o yaml)");
        var resource = get(client);
        out.println(new KubernetesSerialization().asYaml(Map.of("status", resource.getStatus())).replace("---\n", ""));
        out.println("Done: two certificates, two uploads, no duplicates. Deleting the resource would leave them on the "
            + "connector.");
      }
    }
  }

  /** Applies the example manifests the embedded API knows; returns the PKCS#12 password they set. */
  private String applyExamples(KubernetesClient client) {
    var serialization = new KubernetesSerialization();
    String password = null;
    for (var file : EXAMPLES) {
      for (var object : load(serialization, file)) {
        if (object.getApiVersion().startsWith("cert-manager.io")) {
          out.println("  skipped  " + describe(object) + " (no cert-manager here: the demo plays its part)");
          continue;
        }
        if (object instanceof Secret secret) {
          object = withStringDataEncoded(secret); // what the API server does on write
          if (PASSWORD_SECRET.equals(secret.getMetadata().getName())) {
            password = secret.getStringData().get("password");
          }
        }
        client.resource(object).createOr(NonDeletingOperation::update);
        out.println("  applied  " + describe(object));
      }
    }
    if (password == null) {
      throw new IllegalStateException("deploy/examples has no Secret " + PASSWORD_SECRET);
    }
    return password;
  }

  private static List<HasMetadata> load(KubernetesSerialization serialization, String file) {
    try (InputStream in = Demo.class.getResourceAsStream("/examples/" + file)) {
      if (in == null) {
        throw new IllegalStateException("examples/" + file + " is not in the jar: build with mvn package");
      }
      Object parsed = serialization.unmarshal(in);
      var objects = new ArrayList<HasMetadata>();
      if (parsed instanceof List<?> list) {
        list.forEach(o -> objects.add((HasMetadata) o));
      } else {
        objects.add((HasMetadata) parsed);
      }
      return objects;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read examples/" + file, e);
    }
  }

  private void writeKeystore(KubernetesClient client, String commonName, String password) {
    var keystore = DemoCertificates.keystore(commonName, Duration.ofDays(90), password.toCharArray());
    var secret = new SecretBuilder()
        .withNewMetadata().withName(KEYSTORE_SECRET).withNamespace(NAMESPACE).endMetadata()
        .withType("kubernetes.io/tls")
        .addToData("keystore.p12", Base64.getEncoder().encodeToString(keystore))
        .build();
    client.resource(secret).createOr(NonDeletingOperation::update);
    out.println("  wrote Secret " + KEYSTORE_SECRET + " (" + keystore.length + " bytes of PKCS#12, AES-256 as Java "
        + "writes it)");
  }

  private ApiConnectorCertificateStatus await(KubernetesClient client, String what,
      Predicate<ApiConnectorCertificateStatus> done) throws TimeoutException {
    var deadline = Instant.now().plus(WAIT);
    while (Instant.now().isBefore(deadline)) {
      var resource = get(client);
      if (resource != null && resource.getStatus() != null && done.test(resource.getStatus())) {
        return resource.getStatus();
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new TimeoutException("interrupted while waiting for " + what);
      }
    }
    throw new TimeoutException("no " + what + " within " + WAIT.toSeconds() + " s");
  }

  private static ApiConnectorCertificate get(KubernetesClient client) {
    return client.resources(ApiConnectorCertificate.class).inNamespace(NAMESPACE).withName(RESOURCE).get();
  }

  private void printGet(KubernetesClient client) {
    var resource = get(client);
    var status = resource.getStatus();
    var ready = status.condition(ApiConnectorCertificateStatus.READY).orElseThrow();
    out.println("  $ kubectl get acc -n " + NAMESPACE);
    out.printf("  %-12s %-38s %-6s %-9s %-42s %-22s%n", "NAME", "CONNECTOR", "READY", "REASON", "ACTIVE", "EXPIRES");
    out.printf("  %-12s %-38s %-6s %-9s %-42s %-22s%n", resource.getMetadata().getName(),
        resource.getSpec().connectorId(), ready.getStatus(), ready.getReason(),
        status.activeThumbprint() == null ? "<none>" : status.activeThumbprint(),
        status.secretCertificate() == null ? "<none>" : status.secretCertificate().notAfter());
  }

  private static Secret withStringDataEncoded(Secret secret) {
    if (secret.getStringData() == null || secret.getStringData().isEmpty()) {
      return secret;
    }
    var data = new HashMap<String, String>();
    if (secret.getData() != null) {
      data.putAll(secret.getData());
    }
    secret.getStringData().forEach((k, v) ->
        data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
    return new SecretBuilder(secret).withStringData(null).withData(data).build();
  }

  private static String describe(HasMetadata object) {
    var namespace = object.getMetadata().getNamespace();
    return object.getKind() + " " + (namespace == null ? "" : namespace + "/") + object.getMetadata().getName();
  }

  private void step(String text) {
    out.println();
    out.println("==> " + text);
  }
}
