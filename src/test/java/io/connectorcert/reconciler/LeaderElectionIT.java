package io.connectorcert.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.standin.Fault;
import io.connectorcert.support.CuttableProxy;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * Two replicas with leader election on ONE embedded API and ONE Graph stand-in: only the Lease holder reconciles
 * (and calls Graph); when it stops, the other takes the Lease and does the work created after the stop.
 *
 * <p>The mock server in CRUD mode stores the Lease like any object (create, get, update with resourceVersion), which is
 * all fabric8's LeaseLock needs. Its one gap, JOSDK's SelfSubjectRulesReview permission check, is answered by
 * {@code EmbeddedKubernetes}.
 */
class LeaderElectionIT {

  @TempDir
  static Path dir;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.withoutOperator(Map.of());
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  static OperatorConfig replica(String name) {
    var env = new HashMap<String, String>();
    env.put(OperatorConfig.GRAPH_ENDPOINT, harness.graph.endpoint().toString());
    env.put(OperatorConfig.LEADER_ELECTION, "true");
    env.put(OperatorConfig.POD_NAMESPACE, OperatorHarness.NAMESPACE);
    env.put(OperatorConfig.HOSTNAME, name);
    env.put(OperatorConfig.SHUTDOWN_TIMEOUT, "5s");
    // short, and still safe: renew deadline 2 s + a read and an upload of 2 s each + 1 s < 8 s of Lease
    env.put(OperatorConfig.GRAPH_CALL_TIMEOUT, "2s");
    env.put(OperatorConfig.LEADER_ELECTION_LEASE_DURATION, "8s");
    env.put(OperatorConfig.LEADER_ELECTION_RENEW_DEADLINE, "2s");
    env.put(OperatorConfig.LEADER_ELECTION_RETRY_PERIOD, "500ms");
    return OperatorConfig.fromEnvironment(env);
  }

  static String holder() {
    Lease lease = harness.client.leases().inNamespace(OperatorHarness.NAMESPACE)
        .withName("connector-cert-operator").get();
    return lease == null ? null : lease.getSpec().getHolderIdentity();
  }

  static long posts(String connector) {
    return harness.graph.requests().stream()
        .filter(r -> r.method().equals("POST") && r.path().contains("/" + connector + "/"))
        .count();
  }

  @Test
  void onlyTheLeaderReconcilesAndTheFollowerTakesOverWhenItStops() {
    var first = TestCertificates.generate(dir, "first.contoso.com");
    var second = TestCertificates.generate(dir, "second.contoso.com");
    harness.graph.addConnector("conn-first", "first", "https://api.contoso.com/first");
    harness.graph.addConnector("conn-second", "second", "https://api.contoso.com/second");

    var a = harness.instance(replica("replica-a"));
    await().atMost(Duration.ofSeconds(15)).until(() -> "replica-a".equals(holder()));
    try (var b = harness.instance(replica("replica-b"))) {
      // the follower is a hot standby: informers synced, Ready, but not reconciling
      await().atMost(Duration.ofSeconds(15)).until(() -> a.operator().ready() && b.operator().ready());

      harness.keystoreSecret("first-tls", TestCertificates.pfx(first, TestCertificates.Encoding.LEGACY_RC2, ""));
      harness.resource("first", "conn-first", "first-tls", null);
      harness.awaitReady("first", "True", Reasons.UPLOADED);
      assertThat(a.reconciles().of("first")).isPositive();

      // several renewals later the Lease is still a's and b has done nothing
      await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(4)).until(() -> true);
      assertThat(holder()).isEqualTo("replica-a");
      assertThat(b.reconciles().of("first")).isZero();
      assertThat(posts("conn-first")).isEqualTo(1);

      a.close();
      harness.keystoreSecret("second-tls", TestCertificates.pfx(second, TestCertificates.Encoding.LEGACY_RC2, ""));
      harness.resource("second", "conn-second", "second-tls", null);

      // a's Lease is not released on stop (JOSDK passes releaseOnCancel=false): b takes it when it expires
      await().atMost(Duration.ofSeconds(20)).until(() -> "replica-b".equals(holder()));
      var status = harness.awaitReady("second", "True", Reasons.UPLOADED);
      assertThat(status.uploadedThumbprint()).isEqualTo(second.opensslThumbprint());
      assertThat(b.reconciles().of("second")).isPositive();
      assertThat(a.reconciles().of("second")).isZero();
      // b also looked at "first" when it started leading: a read, never a second upload
      await().atMost(Duration.ofSeconds(10)).until(() -> b.reconciles().of("first") > 0);
      assertThat(posts("conn-first")).isEqualTo(1);
      assertThat(posts("conn-second")).isEqualTo(1);
      assertThat(harness.graph.uploads("conn-first")).isEqualTo(1);
      assertThat(harness.graph.uploads("conn-second")).isEqualTo(1);
      // stopping is not losing: neither replica ran its leadership-lost action
      assertThat(a.leadershipLost().get()).isZero();
      assertThat(b.leadershipLost().get()).isZero();
    }
  }

  /**
   * Leadership overlaps: the leader is cut off from the API server in the middle of an upload (Graph applies it
   * slowly) but still reaches Graph, and Graph's reads lag the upload. The next leader finds the attempt in the status
   * and does not post the certificate again; the old one, which does not know yet that it lost the Lease, sends
   * nothing more.
   */
  @Test
  void aLeaderCutOffFromTheApiServerInTheMiddleOfAnUploadCausesNoDuplicate() {
    var certificate = TestCertificates.generate(dir, "overlap.contoso.com");
    var connector = "conn-overlap";
    harness.graph.addConnector(connector, "overlap", "https://api.contoso.com/overlap");
    harness.graph.setReadLag(connector, Duration.ofSeconds(10));
    harness.graph.failNext(Fault.delay(Duration.ofSeconds(3)).onlyFor("POST").forConnector(connector));

    try (var toA = new CuttableProxy(harness.kubernetes.port()); var toB = new CuttableProxy(harness.kubernetes.port());
        var a = harness.instanceThrough(toA, replica("overlap-a"))) {
      await().atMost(Duration.ofSeconds(20)).until(() -> "overlap-a".equals(holder()));
      try (var b = harness.instanceThrough(toB, replica("overlap-b"))) {
        await().atMost(Duration.ofSeconds(15)).until(() -> b.operator().ready());

        harness.keystoreSecret("overlap-tls", TestCertificates.pfx(certificate,
            TestCertificates.Encoding.LEGACY_RC2, ""));
        harness.resource("overlap", connector, "overlap-tls", null);
        // a has recorded the attempt and is posting (Graph takes 3 s): cut it off from the API server
        harness.awaitStatus("overlap", s -> s.pendingUpload() != null);
        toA.cut();

        await().atMost(Duration.ofSeconds(30)).until(() -> "overlap-b".equals(holder()));
        var status = harness.awaitReady("overlap", "True", Reasons.UPLOADED);
        assertThat(status.pendingUpload()).isNull();
        assertThat(b.reconciles().of("overlap")).isPositive();
        assertThat(a.leadershipLost().get()).as("a lost the Lease while running").isPositive();
        assertThat(posts(connector)).as("POSTs that reached Graph").isEqualTo(1);
        assertThat(harness.graph.uploads(connector)).isEqualTo(1);
      }
    }
  }
}
