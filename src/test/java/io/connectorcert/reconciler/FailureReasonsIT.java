package io.connectorcert.reconciler;

import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.READY;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.certificate.CertificateRead;
import io.connectorcert.certificate.CertificateReader;
import io.connectorcert.standin.Fault;
import io.connectorcert.support.HostilePkcs12;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.Event;

/**
 * Each failure reason reached by its real cause: the reason and an actionable message in status, one Warning event,
 * no upload, and no hot loop (the reconcile count stays still once the status is written).
 */
class FailureReasonsIT {

  @TempDir
  static Path dir;
  static OperatorHarness harness;
  static TestCertificates.Generated certificate;
  /** Resource created, certificate Secret and password Secret seen: at most one reconcile each, plus one spare. */
  static final int MAX_RECONCILES = 4;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start();
    certificate = TestCertificates.generate(dir, "failures.contoso.com");
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  /**
   * Waits for the reason, then checks that nothing more happens: the reconciles stop (a hot loop never would) after
   * no more than the resource and its Secrets' own events, no upload, one event.
   */
  private static ApiConnectorCertificateStatus assertSettledOn(String name, String reason, String connector) {
    var status = harness.awaitReady(name, "False", reason);
    var previous = new AtomicInteger(-1);
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofSeconds(1))
        .until(() -> previous.getAndSet(harness.reconciles.of(name)) == harness.reconciles.of(name));
    assertThat(harness.reconciles.of(name)).as("reconciles of %s", name).isLessThanOrEqualTo(MAX_RECONCILES);
    assertThat(harness.get(name).getStatus().condition(READY).orElseThrow().getReason()).isEqualTo(reason);
    // kstatus: a person must act
    assertThat(harness.get(name).getStatus().condition(ApiConnectorCertificateStatus.STALLED)).as("Stalled")
        .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo(reason));
    assertThat(harness.get(name).getStatus().condition(ApiConnectorCertificateStatus.RECONCILING)).isEmpty();
    assertThat(harness.graph.uploads(connector)).isZero();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(harness.events(name))
        .filteredOn(e -> reason.equals(e.getReason()))
        .singleElement()
        .extracting(Event::getType).isEqualTo("Warning"));
    return status;
  }

  private static String message(ApiConnectorCertificateStatus status) {
    return status.condition(READY).orElseThrow().getMessage();
  }

  @Test
  void missingSecret() {
    var connector = harness.connector("nosecret");
    harness.resource("nosecret", connector, "does-not-exist", null);
    var status = assertSettledOn("nosecret", Reasons.SECRET_NOT_FOUND, connector);
    assertThat(message(status)).contains("does-not-exist");
  }

  @Test
  void missingSecretAppearsLaterAndIsUploadedWithinSeconds() {
    var connector = harness.connector("late");
    harness.resource("late", connector, "late-tls", null);
    assertSettledOn("late", Reasons.SECRET_NOT_FOUND, connector);
    harness.keystoreSecret("late-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
    harness.awaitReady("late", "True", Reasons.UPLOADED);
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
  }

  @Test
  void deletedSecretIsReportedWithinSeconds() {
    var connector = harness.connector("deleted");
    harness.keystoreSecret("deleted-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
    harness.resource("deleted", connector, "deleted-tls", null);
    harness.awaitReady("deleted", "True", Reasons.UPLOADED);

    harness.client.secrets().inNamespace(OperatorHarness.NAMESPACE).withName("deleted-tls").delete();

    var status = harness.awaitReady("deleted", "False", Reasons.SECRET_NOT_FOUND);
    assertThat(status.certificates()).hasSize(1); // the connector keeps what it holds, and status says so
    assertThat(harness.graph.certificates(connector)).hasSize(1);
  }

  @Test
  void secretWithoutCertificateKeys() {
    var connector = harness.connector("nokey");
    harness.secret("nokey-tls", Map.of("ca.crt", TestCertificates.certPem(certificate)));
    harness.resource("nokey", connector, "nokey-tls", null);
    var status = assertSettledOn("nokey", Reasons.SECRET_KEY_NOT_FOUND, connector);
    assertThat(message(status)).contains("nokey-tls").contains("keystore.p12").contains("tls.crt");
  }

  @Test
  void missingPasswordSecret() {
    var connector = harness.connector("nopassword");
    harness.keystoreSecret("nopassword-tls", TestCertificates.pfx(certificate, LEGACY_RC2, "pw"));
    harness.resource("nopassword", connector, "nopassword-tls", "nopassword-pw");
    var status = assertSettledOn("nopassword", Reasons.PASSWORD_SECRET_NOT_FOUND, connector);
    assertThat(message(status)).contains("nopassword-pw");
  }

  @Test
  void garbageInKeystore() {
    var connector = harness.connector("garbage");
    harness.keystoreSecret("garbage-tls", "this is not a keystore".getBytes(StandardCharsets.UTF_8));
    harness.resource("garbage", connector, "garbage-tls", null);
    assertSettledOn("garbage", Reasons.INVALID_CERTIFICATE, connector);
  }

  @Test
  void wrongPasswordThenFixed() {
    var connector = harness.connector("wrongpw");
    harness.keystoreSecret("wrongpw-tls", TestCertificates.pfx(certificate, LEGACY_RC2, "right-password"));
    harness.password("wrongpw-pw", "wrong-password");
    harness.resource("wrongpw", connector, "wrongpw-tls", "wrongpw-pw");
    var status = assertSettledOn("wrongpw", Reasons.WRONG_PASSWORD, connector);
    assertThat(message(status)).contains("wrongpw-tls").doesNotContain("right-password").doesNotContain("wrong-password");

    harness.password("wrongpw-pw", "right-password");
    harness.awaitReady("wrongpw", "True", Reasons.UPLOADED);
  }

  @Test
  void certificateWithoutPrivateKey() {
    var connector = harness.connector("nopk");
    harness.keystoreSecret("nopk-tls", TestCertificates.certificateOnlyPfx(certificate, "pw"));
    harness.password("nopk-pw", "pw");
    harness.resource("nopk", connector, "nopk-tls", "nopk-pw");
    assertSettledOn("nopk", Reasons.NO_PRIVATE_KEY, connector);
  }

  @Test
  void expiredCertificate() {
    var expired = TestCertificates.expired(dir, "expired.contoso.com");
    var connector = harness.connector("expired");
    harness.keystoreSecret("expired-tls", TestCertificates.pfx(expired, LEGACY_RC2, ""));
    harness.resource("expired", connector, "expired-tls", null);
    var status = assertSettledOn("expired", Reasons.CERTIFICATE_EXPIRED, connector);
    assertThat(status.secretCertificate().thumbprint()).isEqualTo(expired.opensslThumbprint());
    assertThat(message(status)).contains("expired");
  }

  @Test
  void unknownConnector() {
    harness.keystoreSecret("unknown-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
    harness.resource("unknown", "conn-never-created", "unknown-tls", null);
    var status = assertSettledOn("unknown", Reasons.CONNECTOR_NOT_FOUND, "conn-never-created");
    assertThat(message(status)).contains("conn-never-created").contains("request-id");
  }

  /**
   * Graph keeps refusing for as long as the test looks: a Secret event that lands during the first reconcile may
   * legitimately cause a second one, which must meet the same refusal.
   */
  private static void graphKeepsAnswering(Fault fault) {
    for (int i = 0; i < 5; i++) {
      harness.graph.failNext(fault);
    }
  }

  @Test
  void forbidden() {
    var connector = harness.connector("forbidden");
    graphKeepsAnswering(Fault.status(403).onlyFor("GET").forConnector(connector));
    try {
      harness.keystoreSecret("forbidden-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("forbidden", connector, "forbidden-tls", null);
      var status = assertSettledOn("forbidden", Reasons.FORBIDDEN, connector);
      assertThat(message(status)).contains("APIConnectors.ReadWrite.All");
    } finally {
      harness.graph.clearFaults();
    }
  }

  @Test
  void graphRejectsTheUpload() {
    var connector = harness.connector("rejected");
    graphKeepsAnswering(Fault.status(400).onlyFor("POST").forConnector(connector));
    try {
      harness.keystoreSecret("rejected-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("rejected", connector, "rejected-tls", null);
      var status = assertSettledOn("rejected", Reasons.GRAPH_REJECTED, connector);
      assertThat(message(status)).contains("400").contains("request-id");
    } finally {
      harness.graph.clearFaults();
    }
  }

  @Test
  void rejectedToken() {
    var connector = harness.connector("unauthenticated");
    harness.graph.setAcceptedTokens(token -> false);
    try {
      harness.keystoreSecret("unauthenticated-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
      harness.resource("unauthenticated", connector, "unauthenticated-tls", null);
      var status = assertSettledOn("unauthenticated", Reasons.AUTHENTICATION_FAILED, connector);
      assertThat(message(status)).contains("401").doesNotContain(OperatorHarness.TOKEN);
    } finally {
      harness.graph.setAcceptedTokens(OperatorHarness.TOKEN::equals);
    }
  }

  @Test
  void twoResourcesForOneConnector() {
    var connector = harness.connector("shared");
    harness.keystoreSecret("shared-tls", TestCertificates.pfx(certificate, LEGACY_RC2, ""));
    harness.resource("shared-first", connector, "shared-tls", null);
    harness.awaitReady("shared-first", "True", Reasons.UPLOADED);
    harness.resource("shared-second", connector, "shared-tls", null);

    var status = harness.awaitReady("shared-second", "False", Reasons.CONNECTOR_CONFLICT);
    assertThat(message(status)).contains("shared-first");
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
  }

  // ---------------------------------------------------------------------------------------- bad input: limits

  @Test
  void aKeystoreOverOneMebibyteIsRefusedUnread() {
    var connector = harness.connector("huge");
    var huge = new byte[CertificateReader.MAX_INPUT_BYTES + 1];
    new java.util.Random(1).nextBytes(huge);
    harness.keystoreSecret("huge-tls", huge);
    harness.resource("huge", connector, "huge-tls", null);
    var status = assertSettledOn("huge", Reasons.INVALID_CERTIFICATE, connector);
    assertThat(message(status)).contains("huge-tls");
  }

  @Test
  void aPfxWithThousandsOfCertificatesIsRefused() throws Exception {
    var connector = harness.connector("thousands");
    var read = (CertificateRead.Ok) CertificateReader.readPkcs12(TestCertificates.pfx(certificate, LEGACY_RC2, "pw"),
        "pw".toCharArray());
    var store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("key", read.certificate().privateKey(), "pw".toCharArray(),
        new Certificate[] {read.certificate().leaf()});
    for (int i = 0; i < 3000; i++) {
      store.setCertificateEntry("extra-" + i, read.certificate().leaf());
    }
    var out = new ByteArrayOutputStream();
    store.store(out, "pw".toCharArray());
    harness.keystoreSecret("thousands-tls", out.toByteArray());
    harness.password("thousands-pw", "pw");
    harness.resource("thousands", connector, "thousands-tls", "thousands-pw");
    assertSettledOn("thousands", Reasons.INVALID_CERTIFICATE, connector);
  }

  /**
   * A MAC iteration count of 2^31 - 1: without a cap, telling a wrong password from a broken file ran 2^31 PKCS#12
   * KDF rounds in BouncyCastle, minutes of a reconcile thread at every resync. Refused from the count alone, well
   * within the harness's 30-second wait, and the message says why.
   */
  @Test
  void aPfxWithA2Pow31MacIterationCountIsRefusedQuickly() {
    var connector = harness.connector("maciter");
    var hostile = HostilePkcs12.withMacIterations(TestCertificates.pfx(certificate, LEGACY_RC2, "pw"),
        BigInteger.valueOf(Integer.MAX_VALUE));
    harness.keystoreSecret("maciter-tls", hostile);
    harness.password("maciter-pw", "pw");
    harness.resource("maciter", connector, "maciter-tls", "maciter-pw");
    var status = assertSettledOn("maciter", Reasons.INVALID_CERTIFICATE, connector);
    assertThat(message(status)).contains("maciter-tls").contains("MAC iteration count is 2147483647")
        .contains("over the cap of " + CertificateReader.MAX_PKCS12_ITERATIONS);
  }

  @Test
  void aCertificateBundleInsteadOfAChainIsRefused() {
    var connector = harness.connector("bundle");
    var parts = new byte[13][];
    parts[0] = TestCertificates.certPem(certificate);
    for (int i = 1; i < parts.length; i++) {
      parts[i] = TestCertificates.certPem(TestCertificates.generate(dir, "bundled-" + i));
    }
    harness.secret("bundle-tls", Map.of("tls.crt", concat(parts), "tls.key", TestCertificates.pkcs8Key(certificate)));
    harness.resource("bundle", connector, "bundle-tls", null);
    var status = assertSettledOn("bundle", Reasons.INVALID_CERTIFICATE, connector);
    assertThat(message(status)).contains("12 chain certificates");
  }

  @Test
  void aHugePasswordIsRefusedWithoutEchoingIt() {
    var connector = harness.connector("hugepw");
    var password = "p".repeat(4096);
    harness.keystoreSecret("hugepw-tls", TestCertificates.pfx(certificate, LEGACY_RC2, "pw"));
    harness.password("hugepw-pw", password);
    harness.resource("hugepw", connector, "hugepw-tls", "hugepw-pw");
    var status = assertSettledOn("hugepw", Reasons.WRONG_PASSWORD, connector);
    assertThat(message(status)).contains("hugepw-pw").contains("at most 1024").doesNotContain("pppppppp");
  }

  @Test
  void aPemOfJunkIsRefusedAndAPemWithJunkAroundItIsUploaded() {
    var connector = harness.connector("junkpem");
    harness.secret("junkpem-tls", Map.of("tls.crt", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n"
        .getBytes(StandardCharsets.UTF_8), "tls.key", TestCertificates.pkcs8Key(certificate)));
    harness.resource("junkpem", connector, "junkpem-tls", null);
    assertSettledOn("junkpem", Reasons.INVALID_CERTIFICATE, connector);

    var wrapped = harness.connector("wrappedpem");
    var junk = "Bag Attributes\n    friendlyName: tls\nsubject=/CN=x\n".getBytes(StandardCharsets.UTF_8);
    harness.secret("wrappedpem-tls", Map.of(
        "tls.crt", concat(junk, TestCertificates.certPem(certificate), junk),
        "tls.key", concat(junk, TestCertificates.pkcs8Key(certificate), junk)));
    harness.resource("wrappedpem", wrapped, "wrappedpem-tls", null);
    harness.awaitReady("wrappedpem", "True", Reasons.UPLOADED);
  }

  private static byte[] concat(byte[]... parts) {
    var out = new ByteArrayOutputStream();
    for (var part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
