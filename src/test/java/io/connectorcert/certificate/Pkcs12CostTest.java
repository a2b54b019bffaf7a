package io.connectorcert.certificate;

import static io.connectorcert.certificate.ProblemMessages.assertLeaksNothing;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.connectorcert.certificate.CertificateRead.Ok;
import io.connectorcert.certificate.CertificateRead.Problem;
import io.connectorcert.certificate.CertificateRead.Reason;
import io.connectorcert.support.HostilePkcs12;
import io.connectorcert.support.TestCertificates;
import io.connectorcert.support.TestCertificates.Encoding;
import io.connectorcert.support.TestCertificates.Generated;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.misc.MiscObjectIdentifiers;
import org.bouncycastle.asn1.misc.ScryptParams;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PBMAC1Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * PKCS#12 files with hostile iteration counts are refused from their structure alone, before any key derivation;
 * files at the cap, and what real tools write, still read.
 *
 * <p>Every hostile read runs under {@link #refused}'s {@code assertTimeoutPreemptively}, a guard against hanging (an
 * unchecked 2^31 count costs minutes), not a timing assertion: CPU times are measured by {@code bench/Pkcs12CostBench}.
 */
class Pkcs12CostTest {

  private static final String PASSWORD = "correct-horse-42";
  private static final BigInteger TWO_POW_31_MINUS_1 = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger CAP = BigInteger.valueOf(CertificateReader.MAX_PKCS12_ITERATIONS);
  private static final Duration HANG_GUARD = Duration.ofSeconds(10);

  @TempDir static Path dir;

  private static Generated rsa;
  private static byte[] aes;
  private static byte[] legacy;

  @BeforeAll
  static void generate() {
    rsa = TestCertificates.generate(dir, "cost-rsa");
    aes = TestCertificates.pfx(rsa, Encoding.AES_DEFAULT, PASSWORD);
    legacy = TestCertificates.pfx(rsa, Encoding.LEGACY_RC2, PASSWORD);
  }

  @Test
  void theCapIsFarAboveWhatToolsWriteAndFarBelowTheJdksOwnLimit() {
    assertThat(CertificateReader.MAX_PKCS12_ITERATIONS).isEqualTo(300_000)
        .isGreaterThan(100_000) // the JDK's legacy MAC count, the highest default of a real tool
        .isLessThan(5_000_000); // sun.security.pkcs12.PKCS12KeyStore.MAX_ITERATION_COUNT
  }

  // ------------------------------------------------------------------------------------------ MAC

  @ParameterizedTest
  @EnumSource(value = Encoding.class, names = {"AES_DEFAULT", "LEGACY_RC2"})
  void aMacIterationCountOf2Pow31IsRefused(Encoding encoding) {
    byte[] hostile = HostilePkcs12.withMacIterations(TestCertificates.pfx(rsa, encoding, PASSWORD), TWO_POW_31_MINUS_1);

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("MAC iteration count is 2147483647", "over the cap of 300000");
  }

  @Test
  void aMacIterationCountBeyondAnyIntegerIsRefused() {
    BigInteger huge = BigInteger.TWO.pow(70);
    byte[] hostile = HostilePkcs12.withMacIterations(aes, huge);

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("MAC iteration count is " + huge, "over the cap");
  }

  @Test
  void aMacIterationCountOfZeroIsRefused() {
    Problem problem = refused(HostilePkcs12.withMacIterations(aes, BigInteger.ZERO), PASSWORD);

    assertThat(problem.message()).contains("MAC iteration count is 0, not a positive number");
  }

  /** RFC 9579 PBMAC1 keeps its count in the PBKDF2 parameters; JDK 17 does not read it, BouncyCastle would. */
  @Test
  void aPbmac1MacWithAHugePbkdf2CountIsRefused() {
    Pfx pfx = Pfx.getInstance(aes);
    MacData mac = pfx.getMacData();
    AlgorithmIdentifier hmacSha256 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE);
    AlgorithmIdentifier pbmac1 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBMAC1, new PBMAC1Params(
        new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBKDF2,
            new PBKDF2Params(new byte[16], Integer.MAX_VALUE, 32, hmacSha256)),
        hmacSha256));
    byte[] hostile = der(new Pfx(pfx.getAuthSafe(),
        new MacData(new DigestInfo(pbmac1, mac.getMac().getDigest()), mac.getSalt(), 1)));

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("MAC iteration count is 2147483647");
  }

  // ------------------------------------------------------------------------------------------ key bags

  @Test
  void aPbes2KeyBagWithA2Pow31CountIsRefused() {
    // OpenSSL 3's default key bag: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC; the MAC is honest
    byte[] hostile = HostilePkcs12.withKeyIterations(aes, PASSWORD, TWO_POW_31_MINUS_1);

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("key encryption iteration count is 2147483647", "over the cap of 300000");
  }

  @Test
  void aPbes1KeyBagWithA2Pow31CountIsRefused() {
    // -legacy: pbeWithSHAAnd3-KeyTripleDES-CBC key bag
    byte[] hostile = HostilePkcs12.withKeyIterations(legacy, PASSWORD, TWO_POW_31_MINUS_1);

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("key encryption iteration count is 2147483647");
  }

  /** Without the check, JDK 17 refuses such a key at getKey, which the reader took for a wrong key password. */
  @Test
  void aKeyBagHiddenInEncryptedContentIsCheckedToo() {
    byte[] hostile = HostilePkcs12.withKeyHiddenInEncryptedContent(aes, PASSWORD, TWO_POW_31_MINUS_1, 2048);

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("key encryption iteration count is 2147483647");
  }

  @Test
  void aKeyBagHiddenInEncryptedContentAtAnOrdinaryCountReads() {
    byte[] pfx = HostilePkcs12.withKeyHiddenInEncryptedContent(aes, PASSWORD, BigInteger.valueOf(2048), 2048);

    assertThat(ok(CertificateReader.readPkcs12(pfx, PASSWORD.toCharArray())).thumbprint())
        .isEqualTo(rsa.opensslThumbprint());
  }

  // ------------------------------------------------------------------------------------------ certificate content

  @ParameterizedTest
  @EnumSource(value = Encoding.class, names = {"AES_DEFAULT", "LEGACY_RC2"})
  void encryptedCertificateContentWithA2Pow31CountIsRefused(Encoding encoding) {
    // PBES2 (AES-256) for OpenSSL's default, PBES1 pbeWithSHAAnd40BitRC2-CBC for -legacy
    byte[] hostile = HostilePkcs12.withCertificateIterations(
        TestCertificates.pfx(rsa, encoding, PASSWORD), PASSWORD, TWO_POW_31_MINUS_1);

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("certificate encryption iteration count is 2147483647");
  }

  @Test
  void aHostileFileIsRefusedWhateverThePassword() {
    byte[] hostile = HostilePkcs12.withCertificateIterations(aes, PASSWORD, TWO_POW_31_MINUS_1);

    assertThat(refused(hostile, "not-the-password").message()).contains("certificate encryption");
    assertThat(refused(hostile, "").message()).contains("certificate encryption");
  }

  /** scrypt is memory-hard; BouncyCastle would run it with whatever cost the file names. */
  @Test
  void aPbes2KeyDerivationOtherThanPbkdf2IsRefused() {
    byte[] hostile = rewriteCertificateAlgorithm(aes, new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
        new PBES2Parameters(
            new KeyDerivationFunc(MiscObjectIdentifiers.id_scrypt, new ScryptParams(new byte[16], 1 << 30, 8, 1, 32)),
            new EncryptionScheme(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC,
                new DEROctetString(new byte[16])))));

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("certificate encryption", "other than PBKDF2");
  }

  @Test
  void aPbkdf2AskedForAHugeKeyIsRefused() {
    byte[] hostile = rewriteCertificateAlgorithm(aes, new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
        new PBES2Parameters(
            new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, new PBKDF2Params(new byte[16], 2048, 1 << 30,
                new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))),
            new EncryptionScheme(org.bouncycastle.asn1.nist.NISTObjectIdentifiers.id_aes256_CBC,
                new DEROctetString(new byte[16])))));

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("certificate encryption", "a key of 1073741824 bytes");
  }

  // ------------------------------------------------------------------------------------------ the whole file

  @Test
  void manyEncryptedPartsAreRefused() {
    byte[] hostile = HostilePkcs12.withCertificateContentRepeated(aes, PASSWORD, 101, BigInteger.valueOf(2048));

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("more than 100 encrypted parts");
  }

  @Test
  void partsEachWithinTheCapThatTogetherCostTooMuchAreRefused() {
    // six encrypted contents at the cap: each one allowed, together 3.6 s-equivalents of derivation over the budget
    byte[] hostile = HostilePkcs12.withCertificateContentRepeated(aes, PASSWORD, 6, CAP);

    Problem problem = refused(hostile, PASSWORD);

    assertThat(problem.message()).contains("add up to more key-derivation work");
  }

  // ------------------------------------------------------------------------------------------ at the cap

  @Test
  void aFileAtTheCapThroughoutReads() {
    // openssl pkcs12 -export -iter 300000: MAC, key and certificates all at the cap
    byte[] atCap = TestCertificates.pfxWithIterations(rsa, Encoding.AES_DEFAULT, PASSWORD,
        CertificateReader.MAX_PKCS12_ITERATIONS);

    assertThat(ok(CertificateReader.readPkcs12(atCap, PASSWORD.toCharArray())).thumbprint())
        .isEqualTo(rsa.opensslThumbprint());
  }

  @Test
  void anEmptyPasswordFileAtTheCapReads() {
    byte[] atCap = TestCertificates.pfxWithIterations(rsa, Encoding.LEGACY_RC2, "",
        CertificateReader.MAX_PKCS12_ITERATIONS);

    assertThat(ok(CertificateReader.readPkcs12(atCap, new char[0])).thumbprint()).isEqualTo(rsa.opensslThumbprint());
  }

  @Test
  void aWrongPasswordForAFileAtTheCapIsStillAWrongPassword() {
    byte[] atCap = TestCertificates.pfxWithIterations(rsa, Encoding.AES_DEFAULT, PASSWORD,
        CertificateReader.MAX_PKCS12_ITERATIONS);

    CertificateRead read = assertTimeoutPreemptively(HANG_GUARD,
        () -> CertificateReader.readPkcs12(atCap, "not-the-password".toCharArray()));

    assertThat(read).isInstanceOfSatisfying(Problem.class, p -> assertThat(p.reason()).isEqualTo(Reason.WRONG_PASSWORD));
  }

  @Test
  void oneOverTheCapIsRefused() {
    // an honest file one iteration over the cap: the MAC is checked first
    byte[] over = TestCertificates.pfxWithIterations(rsa, Encoding.AES_DEFAULT, PASSWORD,
        CertificateReader.MAX_PKCS12_ITERATIONS + 1);

    assertThat(refused(over, PASSWORD).message()).contains("MAC iteration count is 300001");
    assertThat(refused(HostilePkcs12.withKeyIterations(aes, PASSWORD, CAP.add(BigInteger.ONE)), PASSWORD).message())
        .contains("key encryption iteration count is 300001");
    assertThat(refused(HostilePkcs12.withCertificateIterations(aes, PASSWORD, CAP.add(BigInteger.ONE)), PASSWORD)
        .message()).contains("certificate encryption iteration count is 300001");
  }

  // ------------------------------------------------------------------------------------------ what tools write

  @ParameterizedTest
  @EnumSource(value = Encoding.class, names = "KEYTOOL", mode = EnumSource.Mode.EXCLUDE)
  void everyEncodingWithAnEmptyPasswordStillReads(Encoding encoding) {
    // the check decrypts the certificate content to look for key bags: it must open what the JDK opens
    byte[] pfx = TestCertificates.pfx(rsa, encoding, "");

    assertThat(ok(CertificateReader.readPkcs12(pfx, new char[0])).thumbprint()).isEqualTo(rsa.opensslThumbprint());
  }

  @Test
  void aFileWithTheHighestCountARealToolWritesReads() {
    // 100,000: the JDK's MAC count in its legacy mode (keystore.pkcs12.legacy), here for MAC, key and certificates
    byte[] pfx = TestCertificates.pfxWithIterations(rsa, Encoding.LEGACY_3DES, PASSWORD, 100_000);

    assertThat(ok(CertificateReader.readPkcs12(pfx, PASSWORD.toCharArray())).thumbprint())
        .isEqualTo(rsa.opensslThumbprint());
  }

  // ------------------------------------------------------------------------------------------ helpers

  /** Reads under a hang guard and checks the refusal: INVALID_CERTIFICATE, and nothing of the input in the message. */
  private static Problem refused(byte[] pfx, String password) {
    CertificateRead read = assertTimeoutPreemptively(HANG_GUARD,
        () -> CertificateReader.readPkcs12(pfx, password.toCharArray()));
    assertThat(read).isInstanceOf(Problem.class);
    Problem problem = (Problem) read;
    assertThat(problem.reason()).isEqualTo(Reason.INVALID_CERTIFICATE);
    assertLeaksNothing(problem, pfx, password, PASSWORD);
    return problem;
  }

  private static SecretCertificate ok(CertificateRead read) {
    assertThat(read).isInstanceOf(Ok.class);
    return ((Ok) read).certificate();
  }

  /** The file with the algorithm of its encrypted content replaced (the MAC is left as it was). */
  private static byte[] rewriteCertificateAlgorithm(byte[] pfx, AlgorithmIdentifier algorithm) {
    Pfx parsed = Pfx.getInstance(pfx);
    ContentInfo[] infos = AuthenticatedSafe.getInstance(
        ASN1OctetString.getInstance(parsed.getAuthSafe().getContent()).getOctets()).getContentInfo();
    for (int i = 0; i < infos.length; i++) {
      if (infos[i].getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
        EncryptedData data = EncryptedData.getInstance(infos[i].getContent());
        infos[i] = new ContentInfo(PKCSObjectIdentifiers.encryptedData,
            new EncryptedData(data.getContentType(), algorithm, data.getContent()));
      }
    }
    ContentInfo authSafe = new ContentInfo(PKCSObjectIdentifiers.data,
        new DEROctetString(der(new AuthenticatedSafe(infos))));
    return der(new Pfx(authSafe, parsed.getMacData()));
  }

  private static byte[] der(org.bouncycastle.asn1.ASN1Object object) {
    try {
      return object.getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
