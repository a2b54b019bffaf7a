package io.connectorcert.chaos;

import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;

/** API server trouble: a restart that cuts every watch, and status writes refused with 409 Conflict. */
class ApiServerFaultsIT {

  @TempDir
  Path dir;

  @Test
  void informersReconnectAndARenewalAfterTheRestartIsUploaded() {
    try (var harness = OperatorHarness.start()) {
      var first = TestCertificates.generate(dir, "before-restart");
      var second = TestCertificates.generate(dir, "after-restart");
      harness.graph.addConnector("conn-apirestart", "apirestart", "https://r.contoso.com");
      harness.keystoreSecret("apirestart-tls", TestCertificates.pfx(first, LEGACY_RC2, ""));
      harness.resource("apirestart", "conn-apirestart", "apirestart-tls", null);
      harness.awaitReady("apirestart", "True", Reasons.UPLOADED);

      harness.kubernetes.restart();

      // the renewal may land before the informers have reconnected: they relist and must still see it
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
        harness.keystoreSecret("apirestart-tls", TestCertificates.pfx(second, LEGACY_RC2, ""));
        return true;
      });
      var status = harness.awaitStatus("apirestart",
          s -> second.opensslThumbprint().equals(s.uploadedThumbprint()));
      assertThat(status.certificates()).hasSize(2);
      assertThat(harness.graph.uploads("conn-apirestart")).isEqualTo(2);
    }
  }

  @Test
  void statusWritesRefusedWithConflictAreWrittenAgainWithoutAnotherUpload() {
    try (var harness = OperatorHarness.start()) {
      var certificate = TestCertificates.generate(dir, "conflicted");
      harness.graph.addConnector("conn-conflict", "conflict", "https://c.contoso.com");
      harness.kubernetes.anotherWriterBeforeNextStatusWrites(2);
      harness.keystoreSecret("conflict-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("conflict", "conn-conflict", "conflict-tls", null);

      // the write is computed again on the newer copy: the upload is recorded (Uploaded, not a later InSync), the other
      // writer's change is kept, and Graph is not called again for it
      var status = harness.awaitReady("conflict", "True", Reasons.UPLOADED);
      assertThat(status.uploadedThumbprint()).isEqualTo(certificate.opensslThumbprint());
      assertThat(harness.get("conflict").getMetadata().getAnnotations())
          .containsKey("test.connectorcert.io/other-writer");
      assertThat(harness.graph.uploads("conn-conflict")).isEqualTo(1);
      assertThat(harness.graph.uploadAttempts("conn-conflict")).isEqualTo(1);
    }
  }
}
