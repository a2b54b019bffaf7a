package io.connectorcert.support;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import io.connectorcert.ConnectorCertOperator;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.CertificateSecretRef;
import io.connectorcert.api.v1alpha1.PasswordSecretRef;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.demo.EmbeddedKubernetes;
import io.connectorcert.demo.StaticTokenCredential;
import io.connectorcert.credentials.SecretCredentials;
import io.connectorcert.graph.GraphClients;
import io.connectorcert.graph.GraphTraffic;
import io.connectorcert.standin.GraphStandIn;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

/**
 * The real operator (JOSDK, informers, reconciler, Graph SDK) against an embedded Kubernetes API in CRUD mode and the
 * Graph stand-in on loopback. One per test class; {@link #restartOperator()} simulates a new pod.
 */
public final class OperatorHarness implements AutoCloseable {

  public static final String NAMESPACE = "identity";
  public static final String TOKEN = "eyJ0eXAiOiJKV1QifQ.harness-token.c2lnbmF0dXJl";

  public final EmbeddedKubernetes kubernetes;
  public final KubernetesClient client;
  public final GraphStandIn graph;
  public final StaticTokenCredential credential = new StaticTokenCredential(TOKEN);
  public final ReconcileCounter reconciles = new ReconcileCounter();
  private final OperatorConfig config;
  private final SecretCredentials secretCredentials;
  private GraphClients graphClients;
  private ConnectorCertOperator operator;
  private KubernetesClient operatorClient;

  private OperatorHarness(Map<String, String> env, Function<KubernetesClient, SecretCredentials> secretCredentials,
      UnaryOperator<GraphStandIn.Builder> graphSettings) {
    LogCapture.attach();
    SecretRegistry.secretText(TOKEN);
    kubernetes = EmbeddedKubernetes.start();
    // every ServiceAccount token this API issues goes to the suite-wide leak scan
    kubernetes.serviceAccountTokens().onIssue(SecretRegistry::secretText);
    client = kubernetes.client();
    this.secretCredentials = secretCredentials.apply(client);
    graph = graphSettings.apply(GraphStandIn.builder().acceptTokens(Set.of(TOKEN))).start();
    var settings = new HashMap<>(env);
    settings.putIfAbsent(OperatorConfig.GRAPH_ENDPOINT, graph.endpoint().toString());
    config = OperatorConfig.fromEnvironment(settings);
  }

  public static OperatorHarness start() {
    return start(Map.of());
  }

  public static OperatorHarness start(Map<String, String> env) {
    return start(env, (source, authority) -> {
      throw new IllegalStateException("this harness has no Entra for credentials Secrets");
    });
  }

  /** With credentials Secrets turned into real credentials by {@code secretCredentials}. */
  public static OperatorHarness start(Map<String, String> env, SecretCredentials secretCredentials) {
    return start(env, secretCredentials, UnaryOperator.identity());
  }

  /** ... and a Graph stand-in set up by {@code graphSettings} (token checks, tenants). */
  public static OperatorHarness start(Map<String, String> env, SecretCredentials secretCredentials,
      UnaryOperator<GraphStandIn.Builder> graphSettings) {
    return start(env, kubernetesClient -> secretCredentials, graphSettings);
  }

  /**
   * With credentials that need this harness's Kubernetes API (ServiceAccount tokens through TokenRequest):
   * {@code secretCredentials} gets a client of it.
   */
  public static OperatorHarness start(Map<String, String> env,
      Function<KubernetesClient, SecretCredentials> secretCredentials,
      UnaryOperator<GraphStandIn.Builder> graphSettings) {
    var harness = new OperatorHarness(env, secretCredentials, graphSettings);
    harness.startOperator();
    return harness;
  }

  /** The API and the Graph stand-in only: the test starts its own {@link #instance}s. */
  public static OperatorHarness withoutOperator(Map<String, String> env) {
    return new OperatorHarness(env, kubernetesClient -> (source, authority) -> {
      throw new IllegalStateException("this harness has no Entra for credentials Secrets");
    }, UnaryOperator.identity());
  }

  /** One more operator process (a replica) against the same API and Graph, with its own client and counter. */
  public Instance instance(OperatorConfig instanceConfig) {
    return instance(instanceConfig, kubernetes.newClient());
  }

  /**
   * A replica that reaches the API through {@code proxy} (which a test can cut, as a network partition would) and
   * Graph directly.
   */
  public Instance instanceThrough(CuttableProxy proxy, OperatorConfig instanceConfig) {
    var viaProxy = new io.fabric8.kubernetes.client.ConfigBuilder(kubernetes.client().getConfiguration())
        .withMasterUrl("http://127.0.0.1:" + proxy.port() + "/")
        .withRequestRetryBackoffLimit(1)
        .build();
    return instance(instanceConfig, new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(viaProxy)
        .build());
  }

  private Instance instance(OperatorConfig instanceConfig, KubernetesClient instanceClient) {
    var instanceGraph = new GraphClients(credential, secretCredentials, instanceConfig.graphCallTimeout(),
        GraphTraffic.of(instanceConfig.graphMaxConcurrency(), instanceConfig.graphBudget()));
    var counter = new ReconcileCounter();
    var lost = new AtomicInteger();
    var started = ConnectorCertOperator.start(instanceClient, instanceGraph, instanceConfig, Clock.systemUTC(),
        counter, lost::incrementAndGet);
    return new Instance(instanceConfig.instanceName(), started, counter, lost, instanceGraph, instanceClient);
  }

  /** A replica started by {@link #instance}; {@code leadershipLost} counts losses while running (not closes). */
  public record Instance(String name, ConnectorCertOperator operator, ReconcileCounter reconciles,
      AtomicInteger leadershipLost, GraphClients graphClients,
      KubernetesClient client) implements AutoCloseable {
    @Override
    public void close() {
      operator.close();
      graphClients.close();
      client.close();
    }
  }

  public OperatorConfig config() {
    return config;
  }

  public synchronized void startOperator() {
    graphClients = new GraphClients(credential, secretCredentials, config.graphCallTimeout(),
        GraphTraffic.of(config.graphMaxConcurrency(), config.graphBudget()));
    operatorClient = kubernetes.newClient();
    operator = ConnectorCertOperator.start(operatorClient, graphClients, config, Clock.systemUTC(), reconciles);
  }

  public synchronized void stopOperator() {
    if (operator == null) {
      return;
    }
    operator.close();
    graphClients.close();
    operatorClient.close();
  }

  public void restartOperator() {
    stopOperator();
    startOperator();
  }

  // ------------------------------------------------------------------------------------------------ objects

  /** A connector {@code conn-<name>} in the Graph stand-in, named {@code name}; returns its id. */
  public String connector(String name) {
    var id = "conn-" + name;
    graph.addConnector(id, name, "https://api.contoso.com/" + name);
    return id;
  }

  public Secret keystoreSecret(String name, byte[] pfx) {
    return secret(name, Map.of("keystore.p12", pfx));
  }

  public Secret secret(String name, Map<String, byte[]> data) {
    return secret(NAMESPACE, name, data);
  }

  public Secret secret(String namespace, String name, Map<String, byte[]> data) {
    var encoded = new HashMap<String, String>();
    data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v)));
    data.forEach(SecretRegistry::secretValue);
    var secret = new SecretBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build())
        .withData(encoded)
        .build();
    return client.resource(secret).createOr(NonDeletingOperation::update);
  }

  public Secret password(String name, String password) {
    return secret(name, Map.of("password", password.getBytes(StandardCharsets.UTF_8)));
  }

  public ApiConnectorCertificate resource(String name, String connectorId, String secretName, String passwordSecret) {
    var resource = new ApiConnectorCertificate();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    resource.setSpec(new ApiConnectorCertificateSpec(connectorId, new CertificateSecretRef(secretName, null),
        passwordSecret == null ? null : new PasswordSecretRef(passwordSecret, "password")));
    return client.resource(resource).create();
  }

  public ApiConnectorCertificate get(String name) {
    return get(NAMESPACE, name);
  }

  public ApiConnectorCertificate get(String namespace, String name) {
    return client.resources(ApiConnectorCertificate.class).inNamespace(namespace).withName(name).get();
  }

  public ApiConnectorCertificateStatus awaitStatus(String name, Predicate<ApiConnectorCertificateStatus> condition) {
    return awaitStatus(NAMESPACE, name, condition);
  }

  public ApiConnectorCertificateStatus awaitStatus(String namespace, String name,
      Predicate<ApiConnectorCertificateStatus> condition) {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
      var resource = get(namespace, name);
      return resource != null && resource.getStatus() != null && condition.test(resource.getStatus());
    });
    return get(namespace, name).getStatus();
  }

  public ApiConnectorCertificateStatus awaitReady(String name, String status, String reason) {
    return awaitReady(NAMESPACE, name, status, reason);
  }

  public ApiConnectorCertificateStatus awaitReady(String namespace, String name, String status, String reason) {
    return awaitStatus(namespace, name, s -> s.condition(ApiConnectorCertificateStatus.READY)
        .filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason())).isPresent());
  }

  /** How many resources of the harness's namespace are Ready now. */
  public long readyCount() {
    return client.resources(ApiConnectorCertificate.class).inNamespace(NAMESPACE).list().getItems().stream()
        .filter(r -> r.getStatus() != null && r.getStatus().condition(ApiConnectorCertificateStatus.READY)
            .filter(c -> "True".equals(c.getStatus())).isPresent())
        .count();
  }

  public List<Event> events(String name) {
    return client.v1().events().inNamespace(NAMESPACE).list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()))
        .toList();
  }

  @Override
  public void close() {
    recordWhatTheOperatorWrote();
    stopOperator();
    graph.close();
    kubernetes.close();
  }

  /** Events, statuses and the tokens Graph saw go to the suite-wide leak scan before this API server goes away. */
  private void recordWhatTheOperatorWrote() {
    graph.requests().forEach(request -> SecretRegistry.secretText(request.token()));
    var serialization = new io.fabric8.kubernetes.client.utils.KubernetesSerialization();
    client.resources(ApiConnectorCertificate.class).inAnyNamespace().list().getItems()
        .forEach(resource -> SecretRegistry.operatorWrote(serialization.asJson(resource.getStatus())));
    client.v1().events().inAnyNamespace().list().getItems()
        .forEach(event -> SecretRegistry.operatorWrote(event.getReason() + ": " + event.getMessage()));
  }
}
