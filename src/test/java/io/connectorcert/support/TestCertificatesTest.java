package io.connectorcert.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.connectorcert.support.TestCertificates.Encoding;
import io.connectorcert.support.TestCertificates.Generated;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test-support contract other test classes rely on. */
class TestCertificatesTest {

  @TempDir Path dir;
  @TempDir Path otherDir;

  @Test
  void filesLandInTheGivenDirectoryAndTheThumbprintIsOpensslFormat() {
    Generated g = TestCertificates.generate(dir, "support-files");

    assertThat(g.certPem()).startsWith(dir).isRegularFile();
    assertThat(g.keyPem()).startsWith(dir).isRegularFile();
    assertThat(g.hasCa()).isFalse();
    assertThat(g.opensslThumbprint()).matches("[0-9A-F]{40}");
    assertThat(TestCertificates.opensslThumbprint(g.certPem())).isEqualTo(g.opensslThumbprint());
  }

  @Test
  void sameCnIsTheSameCertificateAcrossDirectoriesAndThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Generated>> futures = IntStream.range(0, 8)
          .mapToObj(i -> pool.submit(() -> TestCertificates.generate(i % 2 == 0 ? dir : otherDir, "support-shared")))
          .toList();
      List<String> thumbprints = futures.stream().map(f -> {
        try {
          return f.get().opensslThumbprint();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).distinct().toList();

      assertThat(thumbprints).hasSize(1);
      assertThat(TestCertificates.generate(dir, "support-other").opensslThumbprint()).isNotEqualTo(thumbprints.get(0));
      try (var files = Files.list(otherDir)) {
        assertThat(files.count()).as("certificate and key copied once, whatever the number of callers").isEqualTo(2);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void caSignedCertificateComesWithItsCa() {
    Generated g = TestCertificates.generateCaSigned(dir, "support-ca");

    assertThat(g.hasCa()).isTrue();
    assertThat(g.caCertPem()).startsWith(dir).isRegularFile();
    String leafFirst = new String(TestCertificates.chainPem(g, false));
    String caFirst = new String(TestCertificates.chainPem(g, true));
    assertThat(leafFirst.indexOf("BEGIN CERTIFICATE")).isNotEqualTo(leafFirst.lastIndexOf("BEGIN CERTIFICATE"));
    assertThat(leafFirst).isNotEqualTo(caFirst).startsWith(new String(TestCertificates.certPem(g)));
  }

  @Test
  void misuseFailsWithAClearMessage() {
    Generated selfSigned = TestCertificates.generate(dir, "support-misuse");
    Generated ec = TestCertificates.generateEc(dir, "support-misuse-ec");

    assertThatThrownBy(() -> TestCertificates.pfx(selfSigned, Encoding.KEYTOOL, "short"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("6 characters");
    assertThatThrownBy(() -> TestCertificates.chainPem(selfSigned, true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("self-signed");
    assertThatThrownBy(() -> TestCertificates.generate(dir, "bad/cn"))
        .isInstanceOf(IllegalArgumentException.class);
    // a tool failure names the command and shows openssl's stderr
    assertThatThrownBy(() -> TestCertificates.pkcs1Key(ec))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("openssl rsa")
        .hasMessageContaining("stderr");
  }
}
