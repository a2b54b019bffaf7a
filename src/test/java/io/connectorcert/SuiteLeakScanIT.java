package io.connectorcert;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import io.connectorcert.support.LogCapture;
import io.connectorcert.support.SecretRegistry;

/**
 * Runs after every other test class of the JVM (junit-platform.properties orders classes by {@link Order}): scans all
 * that the operator logged at any level, and every event and status it wrote, for every secret any test put in a
 * Secret or handed to Graph or Entra (passwords, client secrets, tokens; 16-character windows of every .pfx and key).
 */
@Order(Integer.MAX_VALUE)
class SuiteLeakScanIT {

  @Test
  void nothingTheOperatorWroteInTheWholeSuiteHoldsSecretMaterial() {
    var texts = new ArrayList<String>();
    // the embedded API server logs Secrets as they are stored: that is the cluster's side, not the operator's
    LogCapture.attach().lines().stream()
        .filter(line -> !line.startsWith("io.fabric8.kubernetes.client.server.mock")
            && !line.startsWith("io.fabric8.mockwebserver"))
        .forEach(texts::add);
    texts.addAll(SecretRegistry.written());

    assertThat(SecretRegistry.registered()).as("secrets registered by the suite").isPositive();
    assertThat(texts).as("operator output captured").isNotEmpty();
    assertThat(SecretRegistry.hits(texts)).as("secret material in logs, events or statuses").isEmpty();
  }
}
