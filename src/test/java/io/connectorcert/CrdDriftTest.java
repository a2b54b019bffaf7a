package io.connectorcert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** crds/ is what the build generates from the Java classes; a change to one without the other fails here. */
class CrdDriftTest {

  static final String FILE = "apiconnectorcertificates.connectorcert.io-v1.yml";

  @Test
  void committedCrdIsTheGeneratedOne() throws IOException {
    var generated = Files.readString(Path.of("target/classes/META-INF/fabric8").resolve(FILE));
    var committed = Files.readString(Path.of("crds").resolve(FILE));
    assertThat(committed)
        .as("crds/%s differs from the CRD generated from the Java classes: copy target/classes/META-INF/fabric8/%s "
            + "to crds/", FILE, FILE)
        .isEqualTo(generated);
  }
}
