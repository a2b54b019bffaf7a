package io.connectorcert.chaos;

import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.graph.ConnectorCertificate;
import io.connectorcert.standin.Fault;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;

/** The operator stopped while uploads are in flight, and resources deleted while they reconcile. */
class DisruptionIT {

  static final int RESOURCES = 8;

  @TempDir
  Path dir;

  @Test
  void anOperatorStoppedWithUploadsInFlightIsReplacedWithoutDuplicateUploads() {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.SHUTDOWN_TIMEOUT, "500ms",
        OperatorConfig.GRAPH_MAX_CONCURRENCY, String.valueOf(RESOURCES)))) {
      for (int i = 0; i < RESOURCES; i++) {
        var connector = "conn-restart-" + i;
        harness.graph.addConnector(connector, "restart " + i, "https://restart.contoso.com/" + i);
        // Graph takes two seconds to apply each upload: the operator is stopped in the middle of them
        harness.graph.failNext(Fault.delay(Duration.ofSeconds(2)).onlyFor("POST").forConnector(connector));
        var certificate = TestCertificates.generate(dir, "restart-" + i);
        harness.keystoreSecret("restart-" + i, TestCertificates.pfx(certificate, LEGACY_RC2, ""));
        harness.resource("restart-" + i, connector, "restart-" + i, null);
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> harness.graph.requests().stream()
          .filter(r -> r.method().equals("GET")).count() >= RESOURCES);

      harness.stopOperator();
      // a new replica starts after the old one is gone: with leader election, after its Lease ran out
      await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
      harness.startOperator();

      await().atMost(Duration.ofSeconds(60)).until(() -> {
        for (int i = 0; i < RESOURCES; i++) {
          var status = harness.get("restart-" + i).getStatus();
          if (status == null || !"True".equals(status.condition("Ready").map(c -> c.getStatus()).orElse(null))) {
            return false;
          }
        }
        return true;
      });
      for (int i = 0; i < RESOURCES; i++) {
        var held = harness.graph.certificates("conn-restart-" + i).stream().map(ConnectorCertificate::thumbprint)
            .toList();
        assertThat(held).as("conn-restart-%d", i).hasSize(1);
        assertThat(new HashSet<>(held)).hasSameSizeAs(held);
      }
    }
  }

  @Test
  void aResourceDeletedWhileItReconcilesCausesNoErrorStorm() {
    try (var harness = OperatorHarness.start()) {
      harness.graph.addConnector("conn-vanish", "vanish", "https://vanish.contoso.com");
      harness.graph.failNext(Fault.delay(Duration.ofSeconds(2)).onlyFor("GET").forConnector("conn-vanish"));
      var certificate = TestCertificates.generate(dir, "vanish");
      harness.keystoreSecret("vanish-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("vanish", "conn-vanish", "vanish-tls", null);
      await().atMost(Duration.ofSeconds(10)).until(() -> harness.reconciles.of("vanish") > 0);

      harness.client.resources(ApiConnectorCertificate.class).inNamespace(OperatorHarness.NAMESPACE)
          .withName("vanish").delete();
      await().pollDelay(Duration.ofSeconds(5)).until(() -> true);

      assertThat(harness.reconciles.of("vanish")).as("reconciles of a deleted resource").isLessThanOrEqualTo(2);
      assertThat(harness.graph.uploads("conn-vanish")).isLessThanOrEqualTo(1);

      // and the operator goes on serving others
      harness.graph.addConnector("conn-after", "after", "https://after.contoso.com");
      harness.keystoreSecret("after-tls", TestCertificates.pfx(TestCertificates.generate(dir, "after"), LEGACY_RC2,
          ""));
      harness.resource("after", "conn-after", "after-tls", null);
      harness.awaitReady("after", "True", Reasons.UPLOADED);
    }
  }
}
