package io.connectorcert.reconciler;

import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.ACTIVE;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.GraphCertificateInfo;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.certificate.B2cPkcs12Encoder;
import io.connectorcert.certificate.CertificateRead;
import io.connectorcert.certificate.CertificateReader;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.graph.GraphConnectorCertificateClient;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;

/** With nothing changing in the cluster, the periodic resync still makes the status follow Graph. */
class ResyncIT {

  @TempDir
  Path dir;

  @Test
  void anOutOfBandUploadShowsUpAtTheNextResyncWithoutAnUploadOfOurs() throws Exception {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.RESYNC_INTERVAL, "2s"))) {
      var ours = TestCertificates.generate(dir, "ours.contoso.com");
      var theirs = TestCertificates.generate(dir, "theirs.contoso.com");
      harness.graph.addConnector("conn-resync", "resync", "https://api.contoso.com/resync");
      harness.keystoreSecret("resync-tls", TestCertificates.pfx(ours, LEGACY_RC2, ""));
      harness.resource("resync", "conn-resync", "resync-tls", null);
      harness.awaitReady("resync", "True", Reasons.UPLOADED);

      // someone uploads another certificate by hand; Graph makes the newest one active
      var read = (CertificateRead.Ok) CertificateReader.readPkcs12(TestCertificates.pfx(theirs, LEGACY_RC2, ""),
          new char[0]);
      try (var byHand = new GraphConnectorCertificateClient(harness.credential, harness.graph.endpoint(), "beta",
          Duration.ofSeconds(10))) {
        byHand.uploadCertificate("conn-resync", new B2cPkcs12Encoder(new SecureRandom()).encode(read.certificate()));
      }

      var status = harness.awaitStatus("resync", s -> s.certificates().size() == 2);
      assertThat(status.certificates()).extracting(GraphCertificateInfo::thumbprint)
          .containsExactlyInAnyOrder(ours.opensslThumbprint(), theirs.opensslThumbprint());
      assertThat(status.activeThumbprint()).isEqualTo(theirs.opensslThumbprint());
      var active = status.condition(ACTIVE).orElseThrow();
      assertThat(active.getReason()).isEqualTo(Reasons.NOT_YET_ACTIVE);
      assertThat(active.getMessage()).contains(theirs.opensslThumbprint());
      assertThat(harness.graph.uploads("conn-resync")).isEqualTo(2); // ours once, theirs once: no re-upload
    }
  }
}
