package io.connectorcert.reconciler;

import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.standin.RecordedRequest;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;

/** GRAPH_API_VERSION=v1.0 and a non-default GRAPH_ENDPOINT work end to end, tokens included. */
class ApiVersionIT {

  @TempDir
  Path dir;

  @Test
  void v1EndpointGetsTheCallsAndTheTokenForItsOwnScope() {
    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.GRAPH_API_VERSION, "v1.0"))) {
      var certificate = TestCertificates.generate(dir, "v1.contoso.com");
      harness.graph.addConnector("conn-v1", "v1", "https://api.contoso.com/v1");
      harness.keystoreSecret("v1-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("v1", "conn-v1", "v1-tls", null);

      harness.awaitReady("v1", "True", Reasons.UPLOADED);

      assertThat(harness.graph.requests()).isNotEmpty()
          .extracting(RecordedRequest::apiVersion).containsOnly("v1.0");
      assertThat(harness.graph.requests()).extracting(RecordedRequest::token).containsOnly(OperatorHarness.TOKEN);
      assertThat(harness.credential.requestedScopes()).isNotEmpty()
          .containsOnly(List.of(harness.graph.endpoint() + "/.default"));
      assertThat(harness.graph.uploads("conn-v1")).isEqualTo(1);
    }
  }
}
