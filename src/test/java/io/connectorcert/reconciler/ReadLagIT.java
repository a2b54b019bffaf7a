package io.connectorcert.reconciler;

import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.READY;
import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.RECONCILING;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.standin.Fault;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.Event;

/**
 * Against a Graph whose reads lag its writes (Entra's eventual consistency): one upload per certificate, also when
 * the answer is lost, when reconciles follow each other within the lag, and across a restart; after the settle
 * window, reads win.
 */
class ReadLagIT {

  @TempDir
  Path dir;

  @Test
  void passesWithinTheLagDoNotPostTheCertificateAgain() {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.UPLOAD_SETTLE_WINDOW, "1m"))) {
      var certificate = TestCertificates.generate(dir, "lagging.contoso.com");
      var connector = harness.connector("lagging");
      harness.graph.setReadLag(connector, Duration.ofSeconds(4));
      harness.keystoreSecret("lagging-tls", TestCertificates.pfx(certificate, LEGACY_RC2, "pw-1"));
      harness.password("lagging-pw", "pw-1");
      harness.resource("lagging", connector, "lagging-tls", "lagging-pw");
      var uploaded = harness.awaitReady("lagging", "True", Reasons.UPLOADED);
      assertThat(uploaded.pendingUpload()).isNotNull();

      // cert-manager rewrites the keystore (same certificate, new bytes and password) within the lag: more passes
      var reconciles = harness.reconciles.of("lagging");
      harness.password("lagging-pw", "pw-2");
      harness.keystoreSecret("lagging-tls", TestCertificates.pfx(certificate, LEGACY_RC2, "pw-2"));
      await().atMost(Duration.ofSeconds(10)).until(() -> harness.reconciles.of("lagging") >= reconciles + 1);

      // the reads catch up: the next pass (here cert-manager again, after the lag) confirms it and forgets it
      await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
      harness.password("lagging-pw", "pw-3");
      harness.keystoreSecret("lagging-tls", TestCertificates.pfx(certificate, LEGACY_RC2, "pw-3"));
      var confirmed = harness.awaitStatus("lagging", s -> s.pendingUpload() == null);
      assertThat(confirmed.condition(READY).orElseThrow().getReason()).isEqualTo(Reasons.UPLOADED);
      assertThat(harness.graph.uploadAttempts(connector)).isEqualTo(1);
      assertThat(harness.graph.uploads(connector)).isEqualTo(1);
    }
  }

  @Test
  void aLostAnswerIsUnconfirmedUntilTheReadsShowItAndSurvivesARestart() {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.UPLOAD_SETTLE_WINDOW, "1m"))) {
      var certificate = TestCertificates.generate(dir, "lost-answer.contoso.com");
      var connector = harness.connector("lost-answer");
      harness.graph.setReadLag(connector, Duration.ofSeconds(8));
      harness.graph.failNext(Fault.gatewayTimeoutAfterApply().onlyFor("POST").forConnector(connector));
      harness.keystoreSecret("lost-answer-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("lost-answer", connector, "lost-answer-tls", null);

      // the retry after the 504 reads a connector that does not show the upload yet: wait, do not post
      var unconfirmed = harness.awaitReady("lost-answer", "False", Reasons.UPLOAD_UNCONFIRMED);
      assertThat(unconfirmed.condition(RECONCILING).orElseThrow().getReason())
          .isEqualTo(Reasons.UPLOAD_UNCONFIRMED);
      assertThat(unconfirmed.pendingUpload().answered()).isFalse();

      // a new operator (a restart, a new leader) finds the attempt in the status
      harness.restartOperator();
      var confirmed = harness.awaitReady("lost-answer", "True", Reasons.UPLOADED);
      assertThat(confirmed.pendingUpload()).isNull();
      assertThat(confirmed.lastUploadTime()).isEqualTo(unconfirmed.pendingUpload().time());
      assertThat(harness.graph.uploadAttempts(connector)).isEqualTo(1);
      assertThat(harness.graph.uploads(connector)).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(harness.events("lost-answer"))
          .filteredOn(e -> Reasons.UPLOADED.equals(e.getReason())).hasSize(1));
    }
  }

  @Test
  void anAcceptedUploadThatTheAnswerDoesNotListIsJudgedByTheReads() {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.UPLOAD_SETTLE_WINDOW, "1m"))) {
      var certificate = TestCertificates.generate(dir, "unlisted.contoso.com");
      var connector = harness.connector("unlisted");
      harness.graph.setReadLag(connector, Duration.ofSeconds(3));
      harness.graph.setUploadAnswersLag(true);
      harness.keystoreSecret("unlisted-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("unlisted", connector, "unlisted-tls", null);

      var status = harness.awaitReady("unlisted", "True", Reasons.UPLOADED);
      assertThat(harness.graph.uploadAttempts(connector)).isEqualTo(1);
      assertThat(status.uploadedThumbprint()).isEqualTo(certificate.opensslThumbprint());
      assertThat(harness.events("unlisted")).extracting(Event::getReason).doesNotContain(Reasons.GRAPH_REJECTED);
    }
  }

  @Test
  void afterTheSettleWindowTheReadsWinAndTheCertificateIsUploadedAgainWithAWarning() {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.UPLOAD_SETTLE_WINDOW, "3s", OperatorConfig.GRAPH_CALL_TIMEOUT, "2s"))) {
      var certificate = TestCertificates.generate(dir, "never-applied.contoso.com");
      var connector = harness.connector("never-applied");
      // a 500 whose upload Graph did not apply (the operator cannot know): nothing ever shows it
      harness.graph.failNext(Fault.status(500).onlyFor("POST").forConnector(connector));
      harness.keystoreSecret("never-applied-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("never-applied", connector, "never-applied-tls", null);

      var status = harness.awaitReady("never-applied", "True", Reasons.UPLOADED);
      assertThat(status.uploadedThumbprint()).isEqualTo(certificate.opensslThumbprint());
      assertThat(harness.graph.uploadAttempts(connector)).isEqualTo(2);
      assertThat(harness.graph.uploads(connector)).isEqualTo(1);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(harness.events("never-applied"))
          .filteredOn(e -> Reasons.UPLOAD_NOT_VISIBLE.equals(e.getReason()))
          .singleElement().satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).contains(certificate.opensslThumbprint()).contains("uploading it again");
          }));
    }
  }
}
