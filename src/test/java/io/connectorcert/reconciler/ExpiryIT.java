package io.connectorcert.reconciler;

import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.ACTIVE;
import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.READY;
import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.STALLED;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.Event;

/** The operator looks again at notAfter: it warns once before the certificate in use expires, and says when it has. */
class ExpiryIT {

  @TempDir
  Path dir;

  @Test
  void aCertificateInUseThatExpiresWithinTheWarningGivesExpiringSoonExactlyOnce() {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.RESYNC_INTERVAL, "2s",
        OperatorConfig.EXPIRY_WARNING, "14d"))) {
      var now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      var certificate = TestCertificates.generateWithValidity(dir, "short-lived.contoso.com",
          now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));
      harness.graph.addConnector("conn-expiring", "expiring", "https://api.contoso.com/expiring");
      harness.keystoreSecret("expiring-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("expiring", "conn-expiring", "expiring-tls", null);

      var status = harness.awaitReady("expiring", "True", Reasons.UPLOADED);
      var active = status.condition(ACTIVE).orElseThrow();
      assertThat(active.getStatus()).isEqualTo("True");
      assertThat(active.getReason()).isEqualTo(Reasons.EXPIRING_SOON);
      assertThat(active.getMessage()).contains(certificate.opensslThumbprint());

      // three resyncs later, still one warning
      var reconciles = harness.reconciles.of("expiring");
      await().atMost(Duration.ofSeconds(15)).until(() -> harness.reconciles.of("expiring") >= reconciles + 3);
      assertThat(harness.events("expiring")).filteredOn(e -> Reasons.EXPIRING_SOON.equals(e.getReason()))
          .singleElement()
          .satisfies(e -> {
            assertThat(e.getType()).isEqualTo("Warning");
            assertThat(e.getMessage()).contains(certificate.opensslThumbprint()).contains("renew");
          });
    }
  }

  @Test
  void aCertificateThatExpiresWithNothingToReplaceItTurnsReadyFalseWithoutAnyChangeInTheCluster() {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.EXPIRY_WARNING, "2s"))) {
      assertThat(harness.config().resyncInterval()).isEqualTo(Duration.ofMinutes(10));
      var now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      var notAfter = now.plusSeconds(6);
      var certificate = TestCertificates.generateWithValidity(dir, "expires-now.contoso.com",
          now.minus(Duration.ofHours(1)), notAfter);
      harness.graph.addConnector("conn-expires", "expires", "https://api.contoso.com/expires");
      harness.keystoreSecret("expires-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("expires", "conn-expires", "expires-tls", null);
      harness.awaitReady("expires", "True", Reasons.UPLOADED);

      var expired = harness.awaitReady("expires", "False", Reasons.CERTIFICATE_EXPIRED);
      assertThat(Instant.now()).isAfter(notAfter);
      assertThat(expired.condition(READY).orElseThrow().getMessage()).contains(certificate.opensslThumbprint())
          .contains("renew");
      assertThat(expired.condition(STALLED).orElseThrow().getReason()).isEqualTo(Reasons.CERTIFICATE_EXPIRED);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(harness.events("expires"))
          .filteredOn(e -> Reasons.CERTIFICATE_EXPIRED.equals(e.getReason()))
          .singleElement().extracting(Event::getType).isEqualTo("Warning"));
      assertThat(harness.graph.uploads("conn-expires")).isEqualTo(1);
    }
  }
}
