package io.connectorcert.reconciler;

import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.READY;
import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.RECONCILING;
import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.STALLED;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.GraphCertificateInfo;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.certificate.B2cPkcs12Encoder;
import io.connectorcert.certificate.CertificateRead;
import io.connectorcert.certificate.CertificateReader;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.graph.GraphConnectorCertificateClient;
import io.connectorcert.standin.Fault;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * The status tells the truth and is written once: every write is based on the latest status (never a stale cached
 * copy), nothing is written when nothing changed, each transition gives one event, and kstatus readers (Flux, kpt,
 * kubectl wait) see the generation and the conditions they read. Resync every 2 s, so that resyncs happen during a
 * test.
 */
class StatusWritesIT {

  @TempDir
  static Path dir;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start(Map.of(OperatorConfig.RESYNC_INTERVAL, "2s"));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static Map<String, Long> eventCounts(String name) {
    var counts = new HashMap<String, Long>();
    harness.events(name).forEach(e -> counts.merge(e.getType() + "/" + e.getReason(), 1L, Long::sum));
    return counts;
  }

  @Test
  void keystoreAndPasswordWrittenBackToBackTwentyTimesGiveOneEventPerTransitionAndTheLastState() throws Exception {
    var first = TestCertificates.generate(dir, "flip-first.contoso.com");
    var last = TestCertificates.generate(dir, "flip-last.contoso.com");
    var connector = harness.connector("flip");
    harness.password("flip-pw", "password-0");
    harness.keystoreSecret("flip-tls", TestCertificates.pfx(first, LEGACY_RC2, "password-0"));
    harness.resource("flip", connector, "flip-tls", "flip-pw");
    harness.awaitReady("flip", "True", Reasons.UPLOADED);
    var eventsBefore = eventCounts("flip");

    // every status the API server holds from now on, in order (the watch starts with the current one)
    var statuses = new CopyOnWriteArrayList<ApiConnectorCertificateStatus>();
    try (var watch = harness.client.resources(ApiConnectorCertificate.class).inNamespace(OperatorHarness.NAMESPACE)
        .withName("flip").watch(new Watcher<>() {
          @Override
          public void eventReceived(Action action, ApiConnectorCertificate resource) {
            statuses.add(resource.getStatus());
          }

          @Override
          public void onClose(WatcherException cause) {}
        })) {
      await().atMost(Duration.ofSeconds(5)).until(() -> !statuses.isEmpty());

      // cert-manager-like rotation of keystore and password, twenty times, as fast as the API takes it; the
      // operator sees mismatched pairs (new password, old keystore) on the way
      for (int i = 1; i <= 20; i++) {
        harness.password("flip-pw", "password-" + i);
        harness.keystoreSecret("flip-tls", TestCertificates.pfx(i == 20 ? last : first, LEGACY_RC2, "password-" + i));
      }

      var settled = harness.awaitStatus("flip", s -> last.opensslThumbprint().equals(s.uploadedThumbprint())
          && s.condition(READY).filter(c -> "True".equals(c.getStatus())).isPresent());
      awaitQuiet("flip");

      assertThat(settled.secretCertificate().thumbprint()).isEqualTo(last.opensslThumbprint());
      assertThat(settled.activeThumbprint()).isEqualTo(last.opensslThumbprint());
      assertThat(settled.condition(READY).orElseThrow().getReason()).isEqualTo(Reasons.UPLOADED);
      assertThat(harness.graph.uploads(connector)).isEqualTo(2);
      await().atMost(Duration.ofSeconds(5)).until(() -> Objects.equals(statuses.get(statuses.size() - 1),
          harness.get("flip").getStatus()));
    }

    // the events written since, per type and reason, are exactly the transitions the statuses went through
    var expected = new HashMap<String, Long>();
    for (int i = 1; i < statuses.size(); i++) {
      var before = ready(statuses.get(i - 1));
      var after = ready(statuses.get(i));
      if ("False".equals(after.getStatus())
          && !(after.getStatus().equals(before.getStatus()) && after.getReason().equals(before.getReason()))) {
        expected.merge("Warning/" + after.getReason(), 1L, Long::sum);
      }
      if (!Objects.equals(statuses.get(i - 1).lastUploadTime(), statuses.get(i).lastUploadTime())
          || !Objects.equals(statuses.get(i - 1).uploadedThumbprint(), statuses.get(i).uploadedThumbprint())) {
        if (statuses.get(i).lastUploadTime() != null) {
          expected.merge("Normal/" + Reasons.UPLOADED, 1L, Long::sum);
        }
      }
    }
    var written = eventCounts("flip");
    eventsBefore.forEach((key, count) -> written.merge(key, -count, Long::sum));
    written.values().removeIf(count -> count == 0);
    assertThat(written).as("events since the rotation began, against the transitions of the status")
        .isEqualTo(expected);
    assertThat(written.get("Normal/" + Reasons.UPLOADED)).isEqualTo(1L);
  }

  @Test
  void anInSyncResourceKeepsItsResourceVersionOverThreeResyncs() {
    var certificate = TestCertificates.generate(dir, "quiet.contoso.com");
    var connector = harness.connector("quiet");
    harness.keystoreSecret("quiet-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
    harness.resource("quiet", connector, "quiet-tls", null);
    harness.awaitReady("quiet", "True", Reasons.UPLOADED);
    awaitQuiet("quiet");
    var version = harness.get("quiet").getMetadata().getResourceVersion();
    var reconciles = harness.reconciles.of("quiet");
    var reads = reads(connector);

    await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10))
        .until(() -> version.equals(harness.get("quiet").getMetadata().getResourceVersion()));

    assertThat(harness.reconciles.of("quiet") - reconciles).as("resyncs in 7 s at 2 s").isGreaterThanOrEqualTo(3);
    assertThat(reads(connector) - reads).as("each resync read Graph").isGreaterThanOrEqualTo(3);
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
  }

  @Test
  void aNewConnectorIdForgetsTheOldConnectorAndGetsTheCertificateReadFirst() throws Exception {
    var certificate = TestCertificates.generate(dir, "moving.contoso.com");
    var first = harness.connector("moving-first");
    var second = harness.connector("moving-second");
    var third = harness.connector("moving-third");
    harness.keystoreSecret("moving-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
    harness.resource("moving", first, "moving-tls", null);
    harness.awaitReady("moving", "True", Reasons.UPLOADED);

    pointAt("moving", second);
    var moved = harness.awaitStatus("moving", s -> s.connector() != null && second.equals(s.connector().id())
        && s.condition(READY).filter(c -> Reasons.UPLOADED.equals(c.getReason())).isPresent());
    assertThat(moved.observedGeneration()).isEqualTo(2L);
    assertThat(moved.condition(READY).orElseThrow().getObservedGeneration()).isEqualTo(2L);
    assertThat(moved.condition(READY).orElseThrow().getMessage()).contains(second).doesNotContain(first);
    assertThat(moved.certificates()).extracting(GraphCertificateInfo::thumbprint)
        .containsExactly(certificate.opensslThumbprint());
    assertThat(harness.graph.uploads(second)).isEqualTo(1);
    assertThat(harness.graph.uploads(first)).isEqualTo(1);

    // a connector that already holds the certificate: read first, nothing uploaded, and no upload time of another
    var read = (CertificateRead.Ok) CertificateReader.readPkcs12(
        TestCertificates.pfx(certificate, LEGACY_RC2, ""), new char[0]);
    try (var byHand = new GraphConnectorCertificateClient(harness.credential, harness.graph.endpoint(), "beta",
        Duration.ofSeconds(10))) {
      byHand.uploadCertificate(third, new B2cPkcs12Encoder(new SecureRandom()).encode(read.certificate()));
    }
    pointAt("moving", third);
    var found = harness.awaitStatus("moving", s -> s.connector() != null && third.equals(s.connector().id()));
    var ready = found.condition(READY).orElseThrow();
    assertThat(ready.getReason()).isEqualTo(Reasons.IN_SYNC);
    assertThat(ready.getMessage()).contains(third).doesNotContain(second);
    assertThat(found.lastUploadTime()).isNull();
    assertThat(found.observedGeneration()).isEqualTo(3L);
    assertThat(harness.graph.uploads(third)).isEqualTo(1);
    assertThat(harness.graph.uploadAttempts(third)).isEqualTo(1); // the one by hand
  }

  @Test
  void kstatusConditionsSayWhetherWorkIsUnderWayOrAPersonMustAct() {
    var certificate = TestCertificates.generate(dir, "kstatus.contoso.com");
    // transient: Graph answers 503 for a while; Reconciling=True through the backoff, never Stalled
    var flaky = harness.connector("kstatus-flaky");
    for (int i = 0; i < 3; i++) {
      harness.graph.failNext(Fault.serviceUnavailable().forConnector(flaky));
    }
    harness.keystoreSecret("kstatus-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
    harness.resource("kstatus-flaky", flaky, "kstatus-tls", null);
    var retrying = harness.awaitStatus("kstatus-flaky", s -> s.condition(RECONCILING).isPresent());
    assertThat(retrying.condition(RECONCILING).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(retrying.condition(RECONCILING).orElseThrow().getReason()).isEqualTo(Reasons.GRAPH_UNAVAILABLE);
    assertThat(retrying.condition(STALLED)).isEmpty();
    var recovered = harness.awaitReady("kstatus-flaky", "True", Reasons.UPLOADED);
    assertThat(recovered.conditions()).extracting(Condition::getType)
        .containsExactly(READY, ApiConnectorCertificateStatus.ACTIVE);
    assertThat(recovered.observedGeneration()).isEqualTo(harness.get("kstatus-flaky").getMetadata().getGeneration());

    // Graph's final refusal: Stalled=True with the reason, no Reconciling
    harness.resource("kstatus-missing", "conn-does-not-exist", "kstatus-tls", null);
    var missing = harness.awaitReady("kstatus-missing", "False", Reasons.CONNECTOR_NOT_FOUND);
    assertThat(missing.condition(STALLED).orElseThrow().getReason()).isEqualTo(Reasons.CONNECTOR_NOT_FOUND);
    assertThat(missing.condition(STALLED).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(missing.condition(RECONCILING)).isEmpty();

    // a user's problem: Stalled=True until it is fixed, then neither
    var user = harness.connector("kstatus-user");
    harness.resource("kstatus-user", user, "kstatus-user-tls", null);
    var noSecret = harness.awaitReady("kstatus-user", "False", Reasons.SECRET_NOT_FOUND);
    assertThat(noSecret.condition(STALLED).orElseThrow().getReason()).isEqualTo(Reasons.SECRET_NOT_FOUND);
    harness.keystoreSecret("kstatus-user-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
    var fixed = harness.awaitReady("kstatus-user", "True", Reasons.UPLOADED);
    assertThat(fixed.condition(STALLED)).isEmpty();
    assertThat(fixed.condition(RECONCILING)).isEmpty();
  }

  private static void pointAt(String name, String connectorId) {
    harness.client.resources(ApiConnectorCertificate.class).inNamespace(OperatorHarness.NAMESPACE).withName(name)
        .edit(r -> {
          var spec = r.getSpec();
          r.setSpec(new ApiConnectorCertificateSpec(connectorId, spec.secretRef(), spec.passwordSecretRef(),
              spec.credentialsRef(), spec.cloud(), spec.apiVersion()));
          return r;
        });
  }

  private static long reads(String connectorId) {
    return harness.graph.requests().stream()
        .filter(r -> "GET".equals(r.method()) && r.path().endsWith("/" + connectorId)).count();
  }

  private static Condition ready(ApiConnectorCertificateStatus status) {
    return status == null ? new Condition(null, null, null, "None", "Unknown", READY)
        : status.condition(READY).orElseGet(() -> new Condition(null, null, null, "None", "Unknown", READY));
  }

  /** Waits until the resource's reconcile count stands still for a second (the last events have been handled). */
  private static void awaitQuiet(String name) {
    var previous = new AtomicInteger(-1);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofSeconds(1))
        .until(() -> previous.getAndSet(harness.reconciles.of(name)) == harness.reconciles.of(name));
  }
}
