package io.connectorcert.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.connectorcert.config.OperatorConfig;
import io.connectorcert.credentials.AzureIdentitySettings;
import io.connectorcert.credentials.AzureSecretCredentials;
import io.connectorcert.credentials.ServiceAccountTokens;
import io.connectorcert.credentials.Cloud;
import io.connectorcert.credentials.CredentialSource;
import io.connectorcert.credentials.GraphRoute;
import io.connectorcert.credentials.GraphTarget;
import io.connectorcert.credentials.TokenCredentials;
import io.connectorcert.demo.DemoCertificates;
import io.connectorcert.standin.GraphStandIn;
import io.connectorcert.support.EntraStandIn;
import io.connectorcert.support.OperatorHarness;

/**
 * Concurrent reconciles on one credential share one token request: real azure-identity credentials against the Entra
 * stand-in on port 443 (on another port MSAL's cache misses on every call and the count would measure that).
 */
class TokenSharingIT {

  static final String ROLE = "APIConnectors.ReadWrite.All";
  static final String TENANT = "cccccccc-0000-0000-0000-00000000000c";
  static final String SECRET_CLIENT = "0000000c-1111-1111-1111-111111111111";
  static final String OPERATOR_CLIENT = "0000000c-2222-2222-2222-222222222222";
  static final String RESTART_CLIENT = "0000000c-3333-3333-3333-333333333333";
  static final int CONCURRENT = 16;

  static EntraStandIn entra;

  @BeforeAll
  static void start() {
    entra = EntraStandIn.start(443);
    entra.registerSecretClient(TENANT, SECRET_CLIENT, "secret-of-the-secret-client", ROLE);
    entra.registerSecretClient(TENANT, OPERATOR_CLIENT, "secret-of-the-operator-client", ROLE);
    entra.registerSecretClient(TENANT, RESTART_CLIENT, "secret-of-the-restart-client", ROLE);
  }

  @AfterAll
  static void stop() {
    entra.close();
  }

  @Test
  void concurrentFirstCallsOnOneCredentialMakeOneTokenRequest() throws Exception {
    assumeTrue(entra.onStandardPort(), "needs port 443: MSAL's token cache misses when the authority has a port");
    try (var graph = GraphStandIn.builder().acceptTokens(token -> EntraStandIn.tenantOf(token) != null).start()) {
      for (int i = 0; i < CONCURRENT; i++) {
        graph.addConnector("conn-" + i, "c" + i, "https://c.contoso.com/" + i);
      }
      var target = new GraphTarget(Cloud.AzurePublic, graph.endpoint(), entra.authorityHost(), "beta");
      // the operator-wide credential: a real azure-identity client secret credential (as DefaultAzureCredential's
      // environment credential builds it)
      var operatorCredential = TokenCredentials.clientSecret(TENANT, OPERATOR_CLIENT, "secret-of-the-operator-client",
          new AzureIdentitySettings(entra.authorityHost(), true, entra.httpClient()));
      var fromSecret = new CredentialSource.FromSecret(CredentialSource.NAMESPACE, "identity",
          "connectorcert-credentials", TENANT, SECRET_CLIENT, CredentialSource.Kind.CLIENT_SECRET,
          "secret-of-the-secret-client".getBytes(StandardCharsets.UTF_8), null, Optional.empty());

      try (var clients = new GraphClients(operatorCredential,
          new AzureSecretCredentials(entra.httpClient(), Optional.empty(), ServiceAccountTokens.NONE), Duration.ofSeconds(10),
          GraphTraffic.of(CONCURRENT, GraphTraffic.Budget.of(1_000, 10)))) {
        for (var source : new CredentialSource[] {fromSecret, new CredentialSource.Operator()}) {
          readAllAtOnce(clients, new GraphRoute(source, target));
        }
      }
      assertThat(entra.tokenRequests(TENANT, SECRET_CLIENT)).as("credentials Secret").isEqualTo(1);
      assertThat(entra.tokenRequests(TENANT, OPERATOR_CLIENT)).as("operator-wide credential").isEqualTo(1);
      assertThat(graph.requests()).hasSize(2 * CONCURRENT)
          .allSatisfy(request -> assertThat(request.status()).isEqualTo(200));
    }
  }

  /** Every thread asks for its client and reads at the same moment, before any token exists. */
  private static void readAllAtOnce(GraphClients clients, GraphRoute route) throws Exception {
    var pool = Executors.newFixedThreadPool(CONCURRENT);
    try {
      var go = new CountDownLatch(1);
      var reads = new ArrayList<CompletableFuture<ApiConnector>>();
      for (int i = 0; i < CONCURRENT; i++) {
        var connector = "conn-" + i;
        reads.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
            return clients.clientFor(route).readConnector(connector);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      go.countDown();
      for (var read : reads) {
        assertThat(read.get(60, TimeUnit.SECONDS).id()).startsWith("conn-");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anOperatorStartAndRestartWithManyResourcesOnOneCredentialMakeAtMostTwoTokenRequestsEach() {
    assumeTrue(entra.onStandardPort(), "needs port 443: MSAL's token cache misses when the authority has a port");
    int resources = 50;
    try (var harness = OperatorHarness.start(
        Map.of(OperatorConfig.AZURE_AUTHORITY_HOST, entra.authorityHost().toString()),
        new AzureSecretCredentials(entra.httpClient(), Optional.empty(), ServiceAccountTokens.NONE),
        graph -> graph.acceptTokens(token -> EntraStandIn.tenantOf(token) != null))) {
      harness.secret("connectorcert-credentials", Map.of("tenantId", bytes(TENANT), "clientId", bytes(RESTART_CLIENT),
          "clientSecret", bytes("secret-of-the-restart-client")));
      var key = DemoCertificates.rsaKeyPair();
      for (int i = 0; i < resources; i++) {
        harness.graph.addConnector("many-" + i, "many " + i, "https://many.contoso.com/" + i);
        harness.keystoreSecret("many-" + i, DemoCertificates.keystore("many-" + i, Duration.ofDays(90),
            new char[0], key));
        harness.resource("many-" + i, "many-" + i, "many-" + i, null);
      }
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
          .until(() -> harness.readyCount() == resources);
      var afterStart = entra.tokenRequests(TENANT, RESTART_CLIENT);
      assertThat(afterStart).as("token requests while %d resources reconciled at start", resources)
          .isBetween(1, 2);

      var readsBefore = reads(harness);
      harness.restartOperator();
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> reads(harness) >= readsBefore + resources);

      assertThat(entra.tokenRequests(TENANT, RESTART_CLIENT) - afterStart)
          .as("token requests while %d resources reconciled after a restart", resources).isBetween(1, 2);
    }
  }

  private static long reads(OperatorHarness harness) {
    return harness.graph.requests().stream().filter(r -> "GET".equals(r.method()) && r.status() == 200).count();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
