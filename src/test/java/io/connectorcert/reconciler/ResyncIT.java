package io.connectorcert.reconciler;

import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.ACTIVE;
import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.READY;
import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.STALLED;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

/**
 * With nothing changing in the cluster, the periodic resync still makes the status follow Graph: an upload by someone
 * else makes the connector use another certificate, and Ready says so.
 */
class ResyncIT {

  @TempDir
  Path dir;

  @Test
  void anOutOfBandUploadShowsUpAtTheNextResyncAsSupersededWithoutAnUploadOfOurs() throws Exception {
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
      // B2C now sends theirs: not Ready, and a person is told what to do; ours is not uploaded again
      var ready = harness.awaitReady("resync", "False", Reasons.SUPERSEDED).condition(READY).orElseThrow();
      assertThat(ready.getMessage()).contains(theirs.opensslThumbprint()).contains(ours.opensslThumbprint())
          .contains("renew");
      assertThat(harness.get("resync").getStatus().condition(STALLED).orElseThrow().getReason())
          .isEqualTo(Reasons.SUPERSEDED);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(harness.events("resync"))
          .filteredOn(e -> Reasons.SUPERSEDED.equals(e.getReason())).hasSize(1));
      var reconciles = harness.reconciles.of("resync");
      await().atMost(Duration.ofSeconds(15)).until(() -> harness.reconciles.of("resync") >= reconciles + 3);
      assertThat(harness.graph.uploads("conn-resync")).isEqualTo(2); // ours once, theirs once: no re-upload
      assertThat(harness.events("resync")).filteredOn(e -> Reasons.SUPERSEDED.equals(e.getReason())).hasSize(1);
    }
  }
}
