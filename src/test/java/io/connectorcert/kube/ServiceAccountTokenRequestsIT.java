package io.connectorcert.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.connectorcert.support.MutableClock;
import io.connectorcert.credentials.ServiceAccountTokenException;
import io.connectorcert.credentials.ServiceAccountTokens;
import io.connectorcert.demo.EmbeddedKubernetes;
import io.connectorcert.support.EntraStandIn;
import io.connectorcert.support.SecretRegistry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * TokenRequest against the embedded Kubernetes API (CRUD mode, tokens signed as an API server signs them), and its
 * refusals from fabric8's mock server in expectations mode. No operator runs here.
 */
class ServiceAccountTokenRequestsIT {

  static EmbeddedKubernetes kubernetes;

  @BeforeAll
  static void start() {
    kubernetes = EmbeddedKubernetes.start();
    kubernetes.serviceAccountTokens().onIssue(SecretRegistry::secretText);
    for (var namespace : List.of("team-a", "team-b")) {
      kubernetes.client().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
      kubernetes.client().resource(new ServiceAccountBuilder().withNewMetadata().withName("uploader")
          .withNamespace(namespace).endMetadata().build()).create();
    }
  }

  @AfterAll
  static void stop() {
    kubernetes.close();
  }

  @Test
  void aShortLivedTokenForEntraIsCachedPerServiceAccountUntilFourFifthsOfItsLifetime() {
    var clock = new MutableClock(Instant.now());
    var tokens = new ServiceAccountTokenRequests(kubernetes.client(), clock);
    var before = kubernetes.tokenRequests("team-a", "uploader");

    var first = tokens.token("team-a", "uploader");
    var claims = EntraStandIn.claims(first);
    assertThat(claims.get("sub")).isEqualTo("system:serviceaccount:team-a:uploader");
    assertThat(claims.get("aud")).isEqualTo(List.of(ServiceAccountTokens.AUDIENCE));
    assertThat(claims.get("iss")).isEqualTo(kubernetes.serviceAccountTokens().issuer());
    assertThat(((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue())
        .isEqualTo(ServiceAccountTokenRequests.EXPIRY.toSeconds());

    assertThat(tokens.token("team-a", "uploader")).isEqualTo(first);
    clock.advance(Duration.ofSeconds(470));
    assertThat(tokens.token("team-a", "uploader")).isEqualTo(first);
    assertThat(kubernetes.tokenRequests("team-a", "uploader") - before).isEqualTo(1);

    // another namespace's ServiceAccount of the same name is another identity, with a token of its own
    var other = tokens.token("team-b", "uploader");
    assertThat(EntraStandIn.claims(other).get("sub")).isEqualTo("system:serviceaccount:team-b:uploader");

    clock.advance(Duration.ofSeconds(15)); // 485 s: past 80% of 600 s
    var renewed = tokens.token("team-a", "uploader");
    assertThat(renewed).isNotEqualTo(first);
    assertThat(kubernetes.tokenRequests("team-a", "uploader") - before).isEqualTo(2);
  }

  @Test
  void concurrentCallersForOneServiceAccountShareOneRequest() throws Exception {
    kubernetes.client().resource(new ServiceAccountBuilder().withNewMetadata().withName("busy")
        .withNamespace("team-a").endMetadata().build()).create();
    var tokens = new ServiceAccountTokenRequests(kubernetes.client(), Clock.systemUTC());
    var pool = Executors.newFixedThreadPool(8);
    try {
      var go = new CountDownLatch(1);
      var results = new ArrayList<Future<String>>();
      for (int i = 0; i < 8; i++) {
        results.add(pool.submit(() -> {
          go.await();
          return tokens.token("team-a", "busy");
        }));
      }
      go.countDown();
      var distinct = new java.util.HashSet<String>();
      for (var result : results) {
        distinct.add(result.get(30, TimeUnit.SECONDS));
      }
      assertThat(distinct).hasSize(1);
      assertThat(kubernetes.tokenRequests("team-a", "busy")).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aMissingServiceAccountIsNotFoundNamingItAndItsNamespace() {
    var tokens = new ServiceAccountTokenRequests(kubernetes.client(), Clock.systemUTC());

    var thrown = catchThrowableOfType(ServiceAccountTokenException.class, () -> tokens.token("team-b", "ghost"));

    assertThat(thrown.kind()).isEqualTo(ServiceAccountTokenException.Kind.NOT_FOUND);
    assertThat(thrown).hasMessageContaining("ServiceAccount ghost in namespace team-b does not exist")
        .hasNoCause();
    // a failure is not cached: once it exists, the next call gets a token
    kubernetes.client().resource(new ServiceAccountBuilder().withNewMetadata().withName("ghost")
        .withNamespace("team-b").endMetadata().build()).create();
    assertThat(EntraStandIn.claims(tokens.token("team-b", "ghost")).get("sub"))
        .isEqualTo("system:serviceaccount:team-b:ghost");
  }

  @Test
  void theStandInRefusesTokensShorterThanTenMinutesAsAnApiServerDoes() {
    var tokens = new ServiceAccountTokenRequests(kubernetes.client(), Clock.systemUTC(), Duration.ofMinutes(5));

    var thrown = catchThrowableOfType(ServiceAccountTokenException.class, () -> tokens.token("team-a", "uploader"));

    assertThat(thrown.kind()).isEqualTo(ServiceAccountTokenException.Kind.REJECTED);
    assertThat(thrown).hasMessageContaining("422");
  }

  @Test
  void refusalsByStatusAreForbiddenUnavailableOrRejectedAndQuoteNoAnswer() {
    var server = new KubernetesMockServer(false);
    server.init();
    // as OperatorMain's TokenRequest client: fabric8 would otherwise retry a 5xx or 429 ten times, backing off
    var mockClient = server.createClient();
    try (mockClient; var client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(mockClient.getConfiguration())
        .withRequestRetryBackoffLimit(1).withRequestRetryBackoffInterval(10).build()).build()) {
      var path = "/api/v1/namespaces/team-a/serviceaccounts/%s/token";
      var body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"body-text-7Qz\","
          + "\"code\":%d}";
      record Case(String name, int status, ServiceAccountTokenException.Kind kind, String says) {}
      var cases = List.of(
          new Case("denied", 403, ServiceAccountTokenException.Kind.FORBIDDEN, "create on serviceaccounts/token"),
          new Case("broken", 500, ServiceAccountTokenException.Kind.UNAVAILABLE, "HTTP 500"),
          new Case("throttled", 429, ServiceAccountTokenException.Kind.UNAVAILABLE, "HTTP 429"),
          new Case("odd", 400, ServiceAccountTokenException.Kind.REJECTED, "HTTP 400"));
      for (var c : cases) {
        server.expect().post().withPath(String.format(path, c.name()))
            .andReturn(c.status(), String.format(body, c.status())).always();
      }
      var tokens = new ServiceAccountTokenRequests(client, Clock.systemUTC());
      for (var c : cases) {
        var thrown = catchThrowableOfType(ServiceAccountTokenException.class, () -> tokens.token("team-a", c.name()));
        assertThat(thrown.kind()).as(c.name()).isEqualTo(c.kind());
        assertThat(thrown.getMessage()).as(c.name()).contains("ServiceAccount " + c.name() + " in namespace team-a")
            .contains(c.says()).doesNotContain("body-text-7Qz");
      }
    } finally {
      server.destroy();
    }
  }
}
