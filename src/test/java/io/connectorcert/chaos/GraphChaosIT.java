package io.connectorcert.chaos;

import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.graph.ConnectorCertificate;
import io.connectorcert.standin.FaultProfile;
import io.connectorcert.standin.RecordedRequest;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.RequestRate;
import io.connectorcert.support.TestCertificates;

/**
 * Graph throttles (30% 429), fails (10% 503), loses answers (5% 504 after applying the upload) and its reads lag its
 * writes by 2 s, while many resources are renewed again and again: every resource ends Ready with its last
 * certificate, no connector holds a certificate twice, and the operator never sends more than its rate limit.
 * (bench/ runs the same scenario at 1,000 resources.)
 */
class GraphChaosIT {

  static final int RESOURCES = 20;
  static final int RENEWALS = 3;
  static final int RATE_LIMIT = 20;
  static final Duration READ_LAG = Duration.ofSeconds(2);

  @TempDir
  Path dir;

  @Test
  void manyRenewalsUnderThrottlingOutagesAndLostAnswersConvergeWithoutDuplicates() {
    try (var harness = OperatorHarness.start(Map.of(
        OperatorConfig.GRAPH_RATE_LIMIT, String.valueOf(RATE_LIMIT),
        OperatorConfig.GRAPH_MAX_CONCURRENCY, "4",
        // longer than the read lag, short enough that an upload Graph really lost is repaired within the test
        OperatorConfig.UPLOAD_SETTLE_WINDOW, "10s", OperatorConfig.GRAPH_CALL_TIMEOUT, "5s"))) {
      harness.graph.setFaultProfile(new FaultProfile(0.30, 0.10, 0.05, Duration.ofSeconds(1), 42));
      harness.graph.setLatency(Duration.ofMillis(20), Duration.ofMillis(40));
      harness.graph.setReadLag(READ_LAG);

      var last = new ArrayList<String>();
      for (int i = 0; i < RESOURCES; i++) {
        harness.graph.addConnector("conn-" + i, "chaos " + i, "https://chaos.contoso.com/" + i);
        last.add(null);
      }
      for (int round = 0; round < RENEWALS; round++) {
        for (int i = 0; i < RESOURCES; i++) {
          var certificate = TestCertificates.generate(dir, "chaos-" + i + "-" + round);
          harness.keystoreSecret("chaos-" + i, TestCertificates.pfx(certificate, LEGACY_RC2, ""));
          last.set(i, certificate.opensslThumbprint());
          if (round == 0) {
            harness.resource("chaos-" + i, "conn-" + i, "chaos-" + i, null);
          }
        }
        await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
      }

      await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
        for (int i = 0; i < RESOURCES; i++) {
          var resource = harness.get("chaos-" + i);
          var status = resource == null ? null : resource.getStatus();
          if (status == null || status.secretCertificate() == null
              || !last.get(i).equals(status.secretCertificate().thumbprint())
              || status.condition(ApiConnectorCertificateStatus.READY).filter(c -> "True".equals(c.getStatus()))
                  .isEmpty()) {
            return false;
          }
        }
        return true;
      });

      var uploaded = 0;
      for (int i = 0; i < RESOURCES; i++) {
        var thumbprints = harness.graph.certificates("conn-" + i).stream().map(ConnectorCertificate::thumbprint)
            .toList();
        assertThat(new HashSet<>(thumbprints)).as("conn-%d holds each certificate once", i).hasSize(thumbprints.size());
        assertThat(thumbprints).as("conn-%d", i).contains(last.get(i));
        uploaded += thumbprints.size();
      }
      assertThat(uploaded).isGreaterThanOrEqualTo(RESOURCES);
      assertThat(RequestRate.peakPerSecond(harness.graph.requests())).as("peak requests in any one second")
          .isLessThanOrEqualTo(RATE_LIMIT + 1);
      assertThat(harness.graph.requests()).extracting(RecordedRequest::status).contains(429, 503, 504);
    }
  }
}
