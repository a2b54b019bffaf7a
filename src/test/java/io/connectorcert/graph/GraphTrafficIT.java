package io.connectorcert.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.demo.DemoCertificates;
import io.connectorcert.support.OperatorHarness;

/** The operator's own budget queues calls; the queue is never reported as Graph being unavailable. */
class GraphTrafficIT {

  static final int RESOURCES = 16;
  static final int RATE = 2;

  @Test
  void manyResourcesQueueingForASmallBudgetAllBecomeReadyWithoutAFailure() {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.GRAPH_RATE_LIMIT, String.valueOf(RATE)))) {
      var key = DemoCertificates.rsaKeyPair();
      for (int i = 0; i < RESOURCES; i++) {
        harness.graph.addConnector("queued-" + i, "queued " + i, "https://queued.contoso.com/" + i);
        harness.keystoreSecret("queued-" + i, DemoCertificates.keystore("queued-" + i, Duration.ofDays(90),
            new char[0], key));
        harness.resource("queued-" + i, "queued-" + i, "queued-" + i, null);
      }

      // a read and an upload each at 2 requests per second: the last ones wait about 16 s for their turn, longer
      // than any call timeout; waiting is not failing
      await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
        for (int i = 0; i < RESOURCES; i++) {
          var resource = harness.get("queued-" + i);
          if (resource == null || resource.getStatus() == null || resource.getStatus()
              .condition(ApiConnectorCertificateStatus.READY).filter(c -> "True".equals(c.getStatus())).isEmpty()) {
            return false;
          }
        }
        return true;
      });

      for (int i = 0; i < RESOURCES; i++) {
        var status = harness.get("queued-" + i).getStatus();
        assertThat(status.condition(ApiConnectorCertificateStatus.READY).orElseThrow().getReason())
            .isEqualTo(Reasons.UPLOADED);
        assertThat(status.failedAttempts()).isNull();
        assertThat(harness.events("queued-" + i)).noneMatch(e -> Reasons.GRAPH_UNAVAILABLE.equals(e.getReason()));
      }
      // the rate itself is GraphTrafficTest's (on a fake clock): arrival times at the stand-in bunch whenever this
      // shared machine stalls the operator's threads between permit and send
      assertThat(harness.graph.requests()).hasSize(2 * RESOURCES)
          .allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    }
  }
}
