package io.connectorcert.certificate;

import static io.connectorcert.certificate.ProblemMessages.assertLeaksNothing;
import static org.assertj.core.api.Assertions.assertThat;

import io.connectorcert.certificate.CertificateRead.Ok;
import io.connectorcert.certificate.CertificateRead.Problem;
import io.connectorcert.certificate.CertificateRead.Reason;
import io.connectorcert.support.TestCertificates;
import io.connectorcert.support.TestCertificates.Encoding;
import io.connectorcert.support.TestCertificates.Generated;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CertificateReaderTest {

  private static final String PASSWORD = "correct-horse-42";

  @TempDir static Path dir;

  private static Generated rsa;
  private static Generated other;
  private static Generated caSigned;
  private static Generated ec;

  @BeforeAll
  static void generate() {
    rsa = TestCertificates.generate(dir, "reader-rsa");
    other = TestCertificates.generate(dir, "reader-other");
    caSigned = TestCertificates.generateCaSigned(dir, "reader-leaf");
    ec = TestCertificates.generateEc(dir, "reader-ec");
  }

  // ------------------------------------------------------------------------------------------ PKCS#12

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void readsEveryPkcs12EncodingWithTheThumbprintOpensslReports(Encoding encoding) {
    byte[] pfx = TestCertificates.pfx(rsa, encoding, PASSWORD);

    SecretCertificate certificate = ok(CertificateReader.readPkcs12(pfx, PASSWORD.toCharArray()));

    assertThat(certificate.thumbprint()).isEqualTo(rsa.opensslThumbprint());
    assertThat(certificate.subject()).isEqualTo("CN=reader-rsa");
    assertThat(certificate.privateKey()).isInstanceOf(RSAPrivateKey.class);
    assertThat(CertificateReader.keyMatches(certificate.privateKey(), certificate.leaf().getPublicKey())).isTrue();
    assertThat(certificate.chain()).isEmpty();
  }

  @Test
  void sameCertificateInTwoEncodingsWithDifferentPasswordsHasOneThumbprint() {
    byte[] legacy = TestCertificates.pfx(rsa, Encoding.LEGACY_RC2, "first-password");
    byte[] modern = TestCertificates.pfx(rsa, Encoding.MODERN_2023, "second-password");
    assertThat(legacy).isNotEqualTo(modern);

    String a = ok(CertificateReader.readPkcs12(legacy, "first-password".toCharArray())).thumbprint();
    String b = ok(CertificateReader.readPkcs12(modern, "second-password".toCharArray())).thumbprint();

    assertThat(a).isEqualTo(b).isEqualTo(rsa.opensslThumbprint());
  }

  @Test
  void readsAnEmptyPasswordPkcs12WithAnEmptyOrMissingPassword() {
    byte[] pfx = TestCertificates.pfx(rsa, Encoding.AES_DEFAULT, "");

    assertThat(ok(CertificateReader.readPkcs12(pfx, new char[0])).thumbprint()).isEqualTo(rsa.opensslThumbprint());
    assertThat(ok(CertificateReader.readPkcs12(pfx, null)).thumbprint()).isEqualTo(rsa.opensslThumbprint());
  }

  @ParameterizedTest
  @EnumSource(Encoding.class)
  void wrongPasswordIsReportedAsSuch(Encoding encoding) {
    byte[] pfx = TestCertificates.pfx(rsa, encoding, PASSWORD);

    Problem problem = problem(CertificateReader.readPkcs12(pfx, "not-the-password".toCharArray()));

    assertThat(problem.reason()).isEqualTo(Reason.WRONG_PASSWORD);
    assertThat(problem.message()).contains("password");
    assertLeaksNothing(problem, pfx, PASSWORD, "not-the-password");
  }

  /**
   * A wrong password now and then decrypts to data with valid padding, and the parser then fails on garbage rather
   * than on the password. Across hundreds of wrong passwords that case is all but certain to occur; every one must
   * still be reported as a wrong password, never as an invalid file.
   */
  @ParameterizedTest
  @EnumSource(value = Encoding.class, names = {"LEGACY_RC2", "AES_DEFAULT"})
  void everyWrongPasswordIsAWrongPasswordEvenWhenDecryptionLooksValid(Encoding encoding) {
    byte[] pfx = TestCertificates.pfx(rsa, encoding, PASSWORD);

    for (int i = 0; i < 300; i++) {
      CertificateRead read = CertificateReader.readPkcs12(pfx, ("wrong-" + i).toCharArray());
      assertThat(read).as("wrong password #%d", i).isInstanceOfSatisfying(Problem.class,
          p -> assertThat(p.reason()).isEqualTo(Reason.WRONG_PASSWORD));
    }
  }

  @Test
  void aPasswordProtectedPkcs12ReadWithoutPasswordIsAWrongPassword() {
    byte[] pfx = TestCertificates.pfx(rsa, Encoding.LEGACY_3DES, PASSWORD);

    Problem problem = problem(CertificateReader.readPkcs12(pfx, new char[0]));

    assertThat(problem.reason()).isEqualTo(Reason.WRONG_PASSWORD);
    assertLeaksNothing(problem, pfx, PASSWORD);
  }

  @Test
  void anEmptyPasswordPkcs12ReadWithAPasswordIsAWrongPassword() {
    byte[] pfx = TestCertificates.pfx(rsa, Encoding.AES_DEFAULT, "");

    Problem problem = problem(CertificateReader.readPkcs12(pfx, "unexpected-pw".toCharArray()));

    assertThat(problem.reason()).isEqualTo(Reason.WRONG_PASSWORD);
    assertLeaksNothing(problem, pfx, "unexpected-pw");
  }

  @Test
  void certificateOnlyPkcs12HasNoPrivateKey() {
    byte[] pfx = TestCertificates.certificateOnlyPfx(rsa, PASSWORD);

    Problem problem = problem(CertificateReader.readPkcs12(pfx, PASSWORD.toCharArray()));

    assertThat(problem.reason()).isEqualTo(Reason.NO_PRIVATE_KEY);
    assertThat(problem.message()).contains("no private key");
    assertLeaksNothing(problem, pfx, PASSWORD);
  }

  @Test
  void keepsTheChainOfACaSignedPkcs12() {
    byte[] pfx = TestCertificates.pfx(caSigned, Encoding.AES_DEFAULT, PASSWORD);

    SecretCertificate certificate = ok(CertificateReader.readPkcs12(pfx, PASSWORD.toCharArray()));

    assertThat(certificate.thumbprint()).isEqualTo(caSigned.opensslThumbprint());
    assertThat(certificate.subject()).isEqualTo("CN=reader-leaf");
    assertThat(certificate.chain()).hasSize(1);
    assertThat(Thumbprints.of(certificate.chain().get(0)))
        .isEqualTo(TestCertificates.opensslThumbprint(caSigned.caCertPem()));
    assertThat(certificate.chain().get(0).getSubjectX500Principal().getName()).isEqualTo("CN=reader-leaf Test CA");
  }

  @Test
  void withSeveralKeysTakesTheFirstEntryWhoseKeyBelongsToItsCertificate() throws Exception {
    SecretCertificate a = ok(CertificateReader.readPem(TestCertificates.certPem(rsa), TestCertificates.pkcs8Key(rsa)));
    SecretCertificate b = ok(CertificateReader.readPem(TestCertificates.certPem(other), TestCertificates.pkcs8Key(other)));
    char[] pw = PASSWORD.toCharArray();
    // written by the JDK, which keeps entries in insertion order and does not check that key and certificate match
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("1-mismatched", b.privateKey(), pw, new java.security.cert.Certificate[] {a.leaf()});
    store.setKeyEntry("2-other", b.privateKey(), pw, new java.security.cert.Certificate[] {b.leaf()});
    store.setKeyEntry("3-rsa", a.privateKey(), pw, new java.security.cert.Certificate[] {a.leaf()});
    var out = new java.io.ByteArrayOutputStream();
    store.store(out, pw);

    SecretCertificate chosen = ok(CertificateReader.readPkcs12(out.toByteArray(), pw));

    assertThat(chosen.thumbprint()).isEqualTo(other.opensslThumbprint());
    assertThat(chosen.privateKey().getEncoded()).isEqualTo(b.privateKey().getEncoded());
  }

  @Test
  void aKeyEntryWhoseKeyDoesNotMatchItsCertificateIsAProblem() throws Exception {
    SecretCertificate a = ok(CertificateReader.readPem(TestCertificates.certPem(rsa), TestCertificates.pkcs8Key(rsa)));
    SecretCertificate b = ok(CertificateReader.readPem(TestCertificates.certPem(other), TestCertificates.pkcs8Key(other)));
    char[] pw = PASSWORD.toCharArray();
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("mismatched", b.privateKey(), pw, new java.security.cert.Certificate[] {a.leaf()});
    var out = new java.io.ByteArrayOutputStream();
    store.store(out, pw);

    Problem problem = problem(CertificateReader.readPkcs12(out.toByteArray(), pw));

    assertThat(problem.reason()).isEqualTo(Reason.NO_PRIVATE_KEY);
    assertThat(problem.message()).contains("does not match");
    assertLeaksNothing(problem, out.toByteArray(), PASSWORD);
  }

  @Test
  void garbageIsNotACertificate() {
    byte[] garbage = new byte[4096];
    new Random(42).nextBytes(garbage);

    Problem problem = problem(CertificateReader.readPkcs12(garbage, PASSWORD.toCharArray()));

    assertThat(problem.reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertLeaksNothing(problem, garbage, PASSWORD);
  }

  @Test
  void aPemGivenAsPkcs12IsNotAPkcs12() {
    byte[] pem = TestCertificates.certPem(rsa);

    Problem problem = problem(CertificateReader.readPkcs12(pem, PASSWORD.toCharArray()));

    assertThat(problem.reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(problem.message()).contains("PKCS#12");
    assertLeaksNothing(problem, pem, PASSWORD);
  }

  @Test
  void emptyInputIsNotACertificate() {
    assertThat(problem(CertificateReader.readPkcs12(new byte[0], PASSWORD.toCharArray())).reason())
        .isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(problem(CertificateReader.readPkcs12(null, PASSWORD.toCharArray())).reason())
        .isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(problem(CertificateReader.readPem(new byte[0], TestCertificates.pkcs8Key(rsa))).reason())
        .isEqualTo(Reason.INVALID_CERTIFICATE);
  }

  @Test
  void refusesInputsOverOneMebibyteBeforeParsing() {
    // a real PKCS#12 padded past the limit: it would parse if the size were not checked first
    byte[] pfx = TestCertificates.pfx(rsa, Encoding.AES_DEFAULT, PASSWORD);
    byte[] huge = Arrays.copyOf(pfx, CertificateReader.MAX_INPUT_BYTES + 1);

    Problem pkcs12 = problem(CertificateReader.readPkcs12(huge, PASSWORD.toCharArray()));
    assertThat(pkcs12.reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(pkcs12.message()).contains("1 MiB");
    assertLeaksNothing(pkcs12, huge, PASSWORD);

    byte[] crt = TestCertificates.certPem(rsa);
    byte[] hugePem = Arrays.copyOf(crt, CertificateReader.MAX_INPUT_BYTES + 1);
    Arrays.fill(hugePem, crt.length, hugePem.length, (byte) '\n');
    Problem pem = problem(CertificateReader.readPem(hugePem, TestCertificates.pkcs8Key(rsa)));
    assertThat(pem.reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(pem.message()).contains("tls.crt", "1 MiB");
  }

  // ------------------------------------------------------------------------------------------ PEM

  @Test
  void readsPemWithPkcs8Key() {
    byte[] key = TestCertificates.pkcs8Key(rsa);
    assertThat(new String(key, StandardCharsets.US_ASCII)).contains("-----BEGIN PRIVATE KEY-----");

    SecretCertificate certificate = ok(CertificateReader.readPem(TestCertificates.certPem(rsa), key));

    assertThat(certificate.thumbprint()).isEqualTo(rsa.opensslThumbprint());
    assertThat(certificate.privateKey()).isInstanceOf(RSAPrivateKey.class);
  }

  @Test
  void readsPemWithPkcs1Key() {
    byte[] key = TestCertificates.pkcs1Key(rsa);
    assertThat(new String(key, StandardCharsets.US_ASCII)).contains("-----BEGIN RSA PRIVATE KEY-----");

    SecretCertificate certificate = ok(CertificateReader.readPem(TestCertificates.certPem(rsa), key));

    assertThat(certificate.thumbprint()).isEqualTo(rsa.opensslThumbprint());
    assertThat(certificate.privateKey()).isInstanceOf(RSAPrivateKey.class);
  }

  @Test
  void readsPemWithSec1EcKey() throws Exception {
    byte[] key = java.nio.file.Files.readAllBytes(ec.keyPem());
    assertThat(new String(key, StandardCharsets.US_ASCII)).contains("-----BEGIN EC PRIVATE KEY-----");

    SecretCertificate certificate = ok(CertificateReader.readPem(TestCertificates.certPem(ec), key));

    assertThat(certificate.thumbprint()).isEqualTo(ec.opensslThumbprint());
    assertThat(certificate.privateKey()).isInstanceOf(ECPrivateKey.class);
  }

  @Test
  void readsAnEcKeyPrecededByItsParametersBlock() throws Exception {
    // what `openssl ecparam -genkey` (without -noout) writes: EC PARAMETERS (the P-256 OID), then the key
    String key = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
        + java.nio.file.Files.readString(ec.keyPem());

    SecretCertificate certificate = ok(CertificateReader.readPem(
        TestCertificates.certPem(ec), key.getBytes(StandardCharsets.US_ASCII)));

    assertThat(certificate.thumbprint()).isEqualTo(ec.opensslThumbprint());
  }

  @Test
  void anEncryptedPemKeyIsRefusedWithAnExplanation() {
    byte[] key = TestCertificates.encryptedPkcs8Key(rsa, "key-password");
    assertThat(new String(key, StandardCharsets.US_ASCII)).contains("-----BEGIN ENCRYPTED PRIVATE KEY-----");

    Problem problem = problem(CertificateReader.readPem(TestCertificates.certPem(rsa), key));

    assertThat(problem.reason()).isEqualTo(Reason.NO_PRIVATE_KEY);
    assertThat(problem.message()).contains("encrypted");
    assertLeaksNothing(problem, key, "key-password");
  }

  @Test
  void toleratesTextAroundThePemBlocks() {
    String crt = "subject=CN = reader-rsa\nissuer=CN = reader-rsa\n"
        + new String(TestCertificates.certPem(rsa), StandardCharsets.US_ASCII) + "\ntrailing notes\n";
    String key = "Bag Attributes\n    localKeyID: 01 02 03\n"
        + new String(TestCertificates.pkcs1Key(rsa), StandardCharsets.US_ASCII) + "\n# end\n";

    SecretCertificate certificate = ok(CertificateReader.readPem(
        crt.getBytes(StandardCharsets.US_ASCII), key.getBytes(StandardCharsets.US_ASCII)));

    assertThat(certificate.thumbprint()).isEqualTo(rsa.opensslThumbprint());
  }

  @Test
  void pemWithoutCertificateBlockIsInvalid() {
    byte[] junk = "this is not a certificate\n-----BEGIN NOTHING-----\nAAAA\n-----END NOTHING-----\n"
        .getBytes(StandardCharsets.US_ASCII);

    Problem problem = problem(CertificateReader.readPem(junk, TestCertificates.pkcs8Key(rsa)));

    assertThat(problem.reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertThat(problem.message()).contains("tls.crt");
    assertLeaksNothing(problem, junk);
  }

  @Test
  void corruptCertificateBlockIsInvalid() {
    String body = Base64.getMimeEncoder().encodeToString(new byte[600]);
    byte[] corrupt = ("-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n")
        .getBytes(StandardCharsets.US_ASCII);

    Problem problem = problem(CertificateReader.readPem(corrupt, TestCertificates.pkcs8Key(rsa)));

    assertThat(problem.reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertLeaksNothing(problem, corrupt);
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() {
    byte[] key = TestCertificates.pkcs8Key(other);

    Problem problem = problem(CertificateReader.readPem(TestCertificates.certPem(rsa), key));

    assertThat(problem.reason()).isEqualTo(Reason.NO_PRIVATE_KEY);
    assertThat(problem.message()).contains("matches");
    assertLeaksNothing(problem, key);
  }

  @Test
  void aMissingOrNonKeyTlsKeyIsNoPrivateKey() {
    byte[] crt = TestCertificates.certPem(rsa);

    assertThat(problem(CertificateReader.readPem(crt, new byte[0])).reason()).isEqualTo(Reason.NO_PRIVATE_KEY);
    Problem certAsKey = problem(CertificateReader.readPem(crt, crt));
    assertThat(certAsKey.reason()).isEqualTo(Reason.NO_PRIVATE_KEY);
    assertThat(certAsKey.message()).contains("tls.key");
    assertLeaksNothing(certAsKey, crt);
  }

  @Test
  void choosesTheLeafAndOrdersTheChainWhenTheCaComesFirst() {
    byte[] crt = TestCertificates.chainPem(caSigned, true);

    SecretCertificate certificate = ok(CertificateReader.readPem(crt, TestCertificates.pkcs1Key(caSigned)));

    assertThat(certificate.thumbprint()).isEqualTo(caSigned.opensslThumbprint());
    assertThat(certificate.chain()).extracting(Thumbprints::of)
        .containsExactly(TestCertificates.opensslThumbprint(caSigned.caCertPem()));
  }

  @Test
  void leafFirstChainIsKeptToo() {
    SecretCertificate certificate = ok(CertificateReader.readPem(
        TestCertificates.chainPem(caSigned, false), TestCertificates.pkcs8Key(caSigned)));

    assertThat(certificate.thumbprint()).isEqualTo(caSigned.opensslThumbprint());
    assertThat(certificate.chain()).hasSize(1);
  }

  // ------------------------------------------------------------------------------------------ validity, toString

  @Test
  void reportsTheValidityOfExpiredAndNotYetValidCertificates() {
    Instant now = Instant.now();
    Instant start = Instant.parse("2020-01-01T00:00:00Z");
    Instant end = Instant.parse("2020-02-01T12:30:00Z");
    Generated dated = TestCertificates.generateWithValidity(dir, "reader-dated", start, end);
    Generated expired = TestCertificates.expired(dir, "reader-expired");
    Generated future = TestCertificates.notYetValid(dir, "reader-future");

    SecretCertificate d = ok(CertificateReader.readPem(TestCertificates.certPem(dated), TestCertificates.pkcs8Key(dated)));
    SecretCertificate e = ok(CertificateReader.readPkcs12(
        TestCertificates.pfx(expired, Encoding.LEGACY_3DES, PASSWORD), PASSWORD.toCharArray()));
    SecretCertificate f = ok(CertificateReader.readPkcs12(
        TestCertificates.pfx(future, Encoding.AES_DEFAULT, PASSWORD), PASSWORD.toCharArray()));

    assertThat(d.notBefore()).isEqualTo(start);
    assertThat(d.notAfter()).isEqualTo(end);
    assertThat(e.notAfter()).isBefore(now);
    assertThat(e.thumbprint()).isEqualTo(expired.opensslThumbprint());
    assertThat(f.notBefore()).isAfter(now.plus(29, ChronoUnit.DAYS));
    assertThat(f.thumbprint()).isEqualTo(future.opensslThumbprint());
  }

  @Test
  void toStringShowsSubjectAndThumbprintButNoKeyMaterial() {
    SecretCertificate certificate = ok(CertificateReader.readPem(TestCertificates.certPem(rsa), TestCertificates.pkcs8Key(rsa)));
    RSAPrivateKey key = (RSAPrivateKey) certificate.privateKey();

    String text = certificate.toString();

    assertThat(text).contains("CN=reader-rsa", rsa.opensslThumbprint());
    assertThat(text).doesNotContain(key.getPrivateExponent().toString(16))
        .doesNotContain(key.getPrivateExponent().toString())
        .doesNotContain(Base64.getEncoder().encodeToString(key.getEncoded()).substring(40, 56));
  }

  // ------------------------------------------------------------------------------------------ helpers

  private static SecretCertificate ok(CertificateRead read) {
    assertThat(read).isInstanceOf(Ok.class);
    return ((Ok) read).certificate();
  }

  private static Problem problem(CertificateRead read) {
    assertThat(read).isInstanceOf(Problem.class);
    return (Problem) read;
  }
}
