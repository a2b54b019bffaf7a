package io.connectorcert.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * SECRET_LABEL_SELECTOR: the informer caches only labelled Secrets, so an unlabelled one reads as missing.
 *
 * <p>The value is "yes", not the README's "true": fabric8's mock server takes any request whose query contains
 * {@code watch=true} for a watch, so a list with the selector {@code connectorcert.io/watch=true} gets a 400 there. A
 * real API server takes both; the selector string is passed through unchanged either way.
 */
class SecretLabelSelectorIT {

  static final String LABEL = "connectorcert.io/watch";

  @TempDir
  static Path dir;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start(Map.of(OperatorConfig.SECRET_LABEL_SELECTOR, LABEL + "=yes"));
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  @Test
  void unlabelledSecretIsNotFoundAndLabellingItUploads() {
    var certificate = TestCertificates.generate(dir, "labelled.contoso.com");
    harness.graph.addConnector("conn-labelled", "labelled", "https://api.contoso.com/labelled");
    harness.keystoreSecret("labelled-tls", TestCertificates.pfx(certificate, TestCertificates.Encoding.LEGACY_RC2,
        ""));
    harness.resource("labelled", "conn-labelled", "labelled-tls", null);

    harness.awaitReady("labelled", "False", Reasons.SECRET_NOT_FOUND);
    assertThat(harness.graph.uploads("conn-labelled")).isZero();

    harness.client.secrets().inNamespace(OperatorHarness.NAMESPACE).withName("labelled-tls")
        .edit((Secret s) -> {
          s.getMetadata().setLabels(Map.of(LABEL, "yes"));
          return s;
        });

    var status = harness.awaitReady("labelled", "True", Reasons.UPLOADED);
    assertThat(status.uploadedThumbprint()).isEqualTo(certificate.opensslThumbprint());
    assertThat(harness.graph.uploads("conn-labelled")).isEqualTo(1);
  }
}
