package io.connectorcert.reconciler;

import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.ACTIVE;
import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.READY;
import static io.connectorcert.support.TestCertificates.Encoding.AES_DEFAULT;
import static io.connectorcert.support.TestCertificates.Encoding.KEYTOOL;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_3DES;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static io.connectorcert.support.TestCertificates.Encoding.MODERN_2023;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.GraphCertificateInfo;
import io.connectorcert.certificate.B2cPkcs12Encoder;
import io.connectorcert.certificate.CertificateRead;
import io.connectorcert.certificate.CertificateReader;
import io.connectorcert.graph.GraphConnectorCertificateClient;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.standin.Fault;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.Event;

/** The product loop, end to end: Secret in, certificate on the connector, status and events out. */
class ApiConnectorCertificateIT {

  @TempDir
  static Path dir;
  static OperatorHarness harness;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static String connector(String name) {
    var id = "conn-" + name;
    harness.graph.addConnector(id, "API connector " + name, "https://api.contoso.com/" + name);
    return id;
  }

  @Test
  void certManagerSecretIsUploadedOnceAndReported() {
    var certificate = TestCertificates.generate(dir, "signup.contoso.com");
    var connector = connector("signup");
    harness.keystoreSecret("signup-tls", TestCertificates.pfx(certificate, LEGACY_RC2, "s3cret-pfx"));
    harness.password("signup-pfx-password", "s3cret-pfx");
    harness.resource("signup", connector, "signup-tls", "signup-pfx-password");

    var status = harness.awaitReady("signup", "True", Reasons.UPLOADED);

    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
    assertThat(status.secretCertificate().thumbprint()).isEqualTo(certificate.opensslThumbprint());
    assertThat(status.secretCertificate().subject()).isEqualTo("CN=signup.contoso.com");
    assertThat(status.uploadedThumbprint()).isEqualTo(certificate.opensslThumbprint());
    assertThat(status.activeThumbprint()).isEqualTo(certificate.opensslThumbprint());
    assertThat(status.certificates()).extracting(GraphCertificateInfo::thumbprint)
        .containsExactly(certificate.opensslThumbprint());
    assertThat(status.connector().displayName()).isEqualTo("API connector signup");
    assertThat(status.lastUploadTime()).isNotNull();
    assertThat(status.secretCertificate().key()).isEqualTo("keystore.p12");
    assertThat(status.observedGeneration()).isEqualTo(harness.get("signup").getMetadata().getGeneration());
    assertThat(status.condition(ACTIVE).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(status.condition(READY).orElseThrow().getObservedGeneration()).isEqualTo(1L);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(harness.events("signup"))
        .extracting(Event::getReason, Event::getType)
        .contains(org.assertj.core.groups.Tuple.tuple(Reasons.UPLOADED, "Normal")));
    assertThat(harness.events("signup").stream().filter(e -> e.getReason().equals(Reasons.UPLOADED)).findFirst()
        .orElseThrow().getMessage()).contains(certificate.opensslThumbprint()).contains("expires");
  }

  @Test
  void renewedCertificateIsUploadedAndSameCertificateInNewBytesIsNot() {
    var first = TestCertificates.generate(dir, "renew-1.contoso.com");
    var second = TestCertificates.generate(dir, "renew-2.contoso.com");
    var connector = connector("renew");
    // cert-manager style, with the password in the same Secret so that both change in one write
    harness.secret("renew-tls", Map.of("keystore.p12", TestCertificates.pfx(first, LEGACY_RC2, "pw-one"),
        "password", bytes("pw-one")));
    harness.resource("renew", connector, "renew-tls", "renew-tls");
    harness.awaitReady("renew", "True", Reasons.UPLOADED);

    // the same certificate, rewritten with a new password in another encoding: no upload
    var reconcilesBefore = harness.reconciles.of("renew");
    harness.secret("renew-tls", Map.of("keystore.p12", TestCertificates.pfx(first, KEYTOOL, "pw-two-longer"),
        "password", bytes("pw-two-longer")));
    await().atMost(Duration.ofSeconds(10)).until(() -> harness.reconciles.of("renew") > reconcilesBefore);
    var unchanged = harness.awaitReady("renew", "True", Reasons.UPLOADED);
    assertThat(unchanged.uploadedThumbprint()).isEqualTo(first.opensslThumbprint());
    assertThat(unchanged.secretCertificate().thumbprint()).isEqualTo(first.opensslThumbprint());
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);

    // a renewed certificate: a second upload within seconds
    harness.secret("renew-tls", Map.of("keystore.p12", TestCertificates.pfx(second, LEGACY_3DES, "pw-three"),
        "password", bytes("pw-three")));
    var status = harness.awaitStatus("renew", s -> second.opensslThumbprint().equals(s.uploadedThumbprint()));

    assertThat(harness.graph.uploads(connector)).isEqualTo(2);
    assertThat(status.certificates()).extracting(GraphCertificateInfo::thumbprint)
        .containsExactlyInAnyOrder(first.opensslThumbprint(), second.opensslThumbprint());
    assertThat(status.activeThumbprint()).isEqualTo(second.opensslThumbprint());
    assertThat(status.secretCertificate().thumbprint()).isEqualTo(second.opensslThumbprint());
  }

  @Test
  void everyPkcs12EncodingAndPemIsUploadedAfterReEncoding() {
    var encodings = Map.of("aes", AES_DEFAULT, "modern", MODERN_2023, "keytool", KEYTOOL, "des", LEGACY_3DES);
    encodings.forEach((name, encoding) -> {
      var certificate = TestCertificates.generate(dir, name + ".contoso.com");
      var connector = connector("enc-" + name);
      harness.keystoreSecret("enc-" + name, TestCertificates.pfx(certificate, encoding, "encoding-pw"));
      harness.password("enc-" + name + "-pw", "encoding-pw");
      harness.resource("enc-" + name, connector, "enc-" + name, "enc-" + name + "-pw");
    });
    encodings.forEach((name, encoding) -> {
      var status = harness.awaitReady("enc-" + name, "True", Reasons.UPLOADED);
      assertThat(harness.graph.uploads("conn-enc-" + name)).as(name).isEqualTo(1);
      assertThat(status.activeThumbprint()).as(name).isEqualTo(status.secretCertificate().thumbprint());
    });

    // a kubernetes.io/tls Secret: PEM certificate and PKCS#1 key
    var pem = TestCertificates.generate(dir, "pem.contoso.com");
    var connector = connector("pem");
    harness.secret("pem-tls", Map.of("tls.crt", TestCertificates.certPem(pem), "tls.key",
        TestCertificates.pkcs1Key(pem)));
    harness.resource("pem", connector, "pem-tls", null);
    var status = harness.awaitReady("pem", "True", Reasons.UPLOADED);
    assertThat(status.uploadedThumbprint()).isEqualTo(pem.opensslThumbprint());
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
  }

  @Test
  void aCertManagerKeystoreWithoutPasswordSecretRefIsReadFromThePemPairBesideIt() {
    // cert-manager with keystores enabled: keystore.p12 under a password, and tls.crt + tls.key in the same Secret
    var certificate = TestCertificates.generate(dir, "keystores.contoso.com");
    var connector = connector("keystores");
    harness.secret("keystores-tls", Map.of(
        "keystore.p12", TestCertificates.pfx(certificate, LEGACY_RC2, "keystore-password"),
        "tls.crt", TestCertificates.certPem(certificate),
        "tls.key", TestCertificates.pkcs1Key(certificate)));
    harness.resource("keystores", connector, "keystores-tls", null);

    var status = harness.awaitReady("keystores", "True", Reasons.UPLOADED);
    assertThat(status.secretCertificate().key()).isEqualTo("tls.crt+tls.key");
    assertThat(status.uploadedThumbprint()).isEqualTo(certificate.opensslThumbprint());
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
    assertThat(harness.events("keystores")).extracting(Event::getType).doesNotContain("Warning");

    // with the key named in the spec, the keystore it names is what counts: no password opens it
    var named = connector("keystores-named");
    var resource = new io.connectorcert.api.v1alpha1.ApiConnectorCertificate();
    resource.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("keystores-named")
        .withNamespace(OperatorHarness.NAMESPACE).build());
    resource.setSpec(new io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec(named,
        new io.connectorcert.api.v1alpha1.CertificateSecretRef("keystores-tls", "keystore.p12"), null));
    harness.client.resource(resource).create();
    var refused = harness.awaitReady("keystores-named", "False", Reasons.WRONG_PASSWORD);
    assertThat(refused.condition(READY).orElseThrow().getMessage()).contains("keystore.p12")
        .doesNotContain("keystore-password");
  }

  @Test
  void certificateUploadedOutOfBandIsInSyncAndNotUploadedAgain() throws Exception {
    var certificate = TestCertificates.generate(dir, "byhand.contoso.com");
    var connector = connector("byhand");
    var read = (CertificateRead.Ok) CertificateReader.readPkcs12(
        TestCertificates.pfx(certificate, LEGACY_RC2, ""), new char[0]);
    try (var byHand = new GraphConnectorCertificateClient(harness.credential, harness.graph.endpoint(), "beta",
        Duration.ofSeconds(10))) {
      byHand.uploadCertificate(connector, new B2cPkcs12Encoder(new SecureRandom()).encode(read.certificate()));
    }
    harness.keystoreSecret("byhand-tls", TestCertificates.pfx(certificate, KEYTOOL, "another-password"));
    harness.password("byhand-pw", "another-password");
    harness.resource("byhand", connector, "byhand-tls", "byhand-pw");

    var status = harness.awaitReady("byhand", "True", Reasons.IN_SYNC);
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
    assertThat(status.uploadedThumbprint()).isEqualTo(certificate.opensslThumbprint());
    assertThat(status.lastUploadTime()).isNull();
    assertThat(harness.events("byhand")).extracting(Event::getReason).doesNotContain(Reasons.UPLOADED);
  }

  @Test
  void notYetValidCertificateIsUploadedAndReportedNotYetActive() {
    var current = TestCertificates.generate(dir, "current.contoso.com");
    var next = TestCertificates.notYetValid(dir, "next.contoso.com");
    var connector = connector("prerotation");
    harness.keystoreSecret("prerotation-tls", TestCertificates.pfx(current, LEGACY_RC2, ""));
    harness.resource("prerotation", connector, "prerotation-tls", null);
    harness.awaitReady("prerotation", "True", Reasons.UPLOADED);

    harness.keystoreSecret("prerotation-tls", TestCertificates.pfx(next, LEGACY_RC2, ""));
    var status = harness.awaitStatus("prerotation", s -> next.opensslThumbprint().equals(s.uploadedThumbprint()));

    var active = status.condition(ACTIVE).orElseThrow();
    assertThat(active.getStatus()).isEqualTo("False");
    assertThat(active.getReason()).isEqualTo(Reasons.NOT_YET_ACTIVE);
    assertThat(active.getMessage()).contains("still ahead");
    assertThat(status.activeThumbprint()).isEqualTo(current.opensslThumbprint());
    assertThat(status.condition(READY).orElseThrow().getStatus()).isEqualTo("True");
  }

  @Test
  void restartDoesNotUploadAgainAndKeepsStatus() {
    var certificate = TestCertificates.generate(dir, "restart.contoso.com");
    var connector = connector("restart");
    harness.keystoreSecret("restart-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
    harness.resource("restart", connector, "restart-tls", null);
    var before = harness.awaitReady("restart", "True", Reasons.UPLOADED);
    var readsBefore = graphReads(connector);

    harness.restartOperator();

    // the new instance reconciles (it reads the connector) and finds the certificate there
    await().atMost(Duration.ofSeconds(20)).until(() -> graphReads(connector) > readsBefore);
    var after = harness.awaitStatus("restart", s -> s.condition(READY).isPresent());
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
    assertThat(after.uploadedThumbprint()).isEqualTo(before.uploadedThumbprint());
    assertThat(after.lastUploadTime()).isEqualTo(before.lastUploadTime());
    assertThat(after.condition(READY).orElseThrow().getStatus()).isEqualTo("True");
    // one read: the Secret informer's first events, arriving during the first pass, do not make a second one
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
        .until(() -> graphReads(connector) == readsBefore + 1);
  }

  @Test
  void throttlingOutagesAndLostAnswersEndWithExactlyOneCertificate() {
    var cases = Map.of(
        "throttled", Fault.tooManyRequests(Duration.ofSeconds(1)).onlyFor("POST"),
        "outage", Fault.serviceUnavailable().onlyFor("POST"),
        "lost", Fault.gatewayTimeoutAfterApply().onlyFor("POST"));
    for (var entry : cases.entrySet()) {
      var name = entry.getKey();
      var certificate = TestCertificates.generate(dir, name + ".contoso.com");
      var connector = connector(name);
      harness.graph.failNext(entry.getValue().forConnector(connector));
      harness.keystoreSecret(name + "-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource(name, connector, name + "-tls", null);

      var status = harness.awaitStatus(name, s -> s.condition(READY).filter(c -> "True".equals(c.getStatus()))
          .isPresent());

      assertThat(harness.graph.certificates(connector)).as(name).hasSize(1);
      assertThat(harness.graph.certificates(connector).get(0).thumbprint()).isEqualTo(certificate.opensslThumbprint());
      assertThat(status.failedAttempts()).as(name).isNull();
      assertThat(harness.events(name)).extracting(Event::getReason).as(name).contains(Reasons.GRAPH_UNAVAILABLE);
    }
  }

  private static long graphReads(String connector) {
    return harness.graph.requests().stream()
        .filter(r -> r.method().equals("GET") && r.path().endsWith("/" + connector))
        .count();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
