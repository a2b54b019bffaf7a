package io.connectorcert.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The README's first command, in-process: it must finish with exit code 0 and show both uploads. */
class DemoIT {

  @Test
  void demoUploadsThenRenewsAndExitsZero() {
    var bytes = new ByteArrayOutputStream();
    int exit = Demo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    var output = bytes.toString(StandardCharsets.UTF_8);

    assertThat(exit).as(output).isZero();
    assertThat(output)
        .contains("applied  ApiConnectorCertificate identity/signup-api")
        .contains("skipped  Certificate identity/signup-api")
        .contains("Graph now holds: 1 certificate(s), 1 upload(s)")
        .contains("Graph now holds: 2 certificate(s), 2 upload(s)")
        .contains("reason: \"Uploaded\"")
        .containsPattern("New certificate: [0-9A-F]{40} \\(active\\)");
  }
}
