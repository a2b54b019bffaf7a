package io.connectorcert.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectorcert.certificate.CertificateRead.Ok;
import io.connectorcert.support.TestCertificates;
import io.connectorcert.support.TestCertificates.Encoding;
import io.connectorcert.support.TestCertificates.Generated;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class B2cPkcs12EncoderTest {

  private static final String TRIPLE_DES = "1.2.840.113549.1.12.1.3";
  private static final String SHA1 = "1.3.14.3.2.26";
  private static final String PBES2 = "1.2.840.113549.1.5.13";

  @TempDir static Path dir;

  private static Generated rsa;
  private static Generated caSigned;
  private static SecretCertificate certificate;
  private static SecretCertificate chained;

  private final B2cPkcs12Encoder encoder = new B2cPkcs12Encoder(new SecureRandom());

  @BeforeAll
  static void read() {
    rsa = TestCertificates.generate(dir, "encoder-rsa");
    caSigned = TestCertificates.generateCaSigned(dir, "encoder-leaf");
    // start from the OpenSSL 3 default (AES) encoding that B2C refuses
    certificate = read(TestCertificates.pfx(rsa, Encoding.AES_DEFAULT, "source-pw"), "source-pw");
    chained = read(TestCertificates.pfx(caSigned, Encoding.MODERN_2023, "source-pw"), "source-pw");
  }

  @Test
  void outputLoadsInTheJdkWithTheReturnedPasswordAndKeepsTheThumbprint() throws Exception {
    Pkcs12Upload upload = encoder.encode(certificate);

    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(upload.pkcs12()), upload.password().toCharArray());
    List<String> keyAliases = Collections.list(store.aliases()).stream().filter(a -> isKey(store, a)).toList();

    assertThat(keyAliases).hasSize(1);
    String alias = keyAliases.get(0);
    X509Certificate leaf = (X509Certificate) store.getCertificate(alias);
    assertThat(Thumbprints.of(leaf)).isEqualTo(rsa.opensslThumbprint());
    Key key = store.getKey(alias, upload.password().toCharArray());
    assertThat(key.getEncoded()).isEqualTo(certificate.privateKey().getEncoded());
  }

  @Test
  void keyBagIsTripleDesAndMacIsSha1() {
    Pkcs12Upload upload = encoder.encode(certificate);

    assertThat(Pkcs12Inspection.keyBagAlgorithmOid(upload.pkcs12(), upload.password().toCharArray()))
        .contains(TRIPLE_DES);
    assertThat(Pkcs12Inspection.encryptedContentAlgorithmOid(upload.pkcs12())).contains(TRIPLE_DES);
    assertThat(Pkcs12Inspection.macAlgorithmOid(upload.pkcs12())).contains(SHA1);
    assertThat(Pkcs12Inspection.isB2cCompatible(upload.pkcs12(), upload.password().toCharArray())).isTrue();
  }

  @Test
  void theOpensslDefaultInputIsNotB2cCompatibleButItsReEncodingIs() {
    byte[] original = TestCertificates.pfx(rsa, Encoding.AES_DEFAULT, "source-pw");

    assertThat(Pkcs12Inspection.keyBagAlgorithmOid(original, "source-pw".toCharArray())).contains(PBES2);
    assertThat(Pkcs12Inspection.isB2cCompatible(original, "source-pw".toCharArray())).isFalse();

    Pkcs12Upload upload = encoder.encode(certificate);
    assertThat(Pkcs12Inspection.isB2cCompatible(upload.pkcs12(), upload.password().toCharArray())).isTrue();
  }

  @Test
  void everyEncodeHasItsOwnRandomPassword() {
    Pkcs12Upload first = encoder.encode(certificate);
    Pkcs12Upload second = encoder.encode(certificate);

    assertThat(first.password()).isNotEqualTo(second.password());
    assertThat(first.password()).matches("[A-Za-z0-9_-]{32}");
    assertThat(first.pkcs12()).isNotEqualTo(second.pkcs12());
    assertThat(first.toString()).doesNotContain(first.password());
  }

  @Test
  void theOldPasswordDoesNotOpenTheOutput() {
    Pkcs12Upload first = encoder.encode(certificate);
    Pkcs12Upload second = encoder.encode(certificate);

    CertificateRead read = CertificateReader.readPkcs12(first.pkcs12(), second.password().toCharArray());

    assertThat(read).isInstanceOfSatisfying(CertificateRead.Problem.class,
        p -> assertThat(p.reason()).isEqualTo(CertificateRead.Reason.WRONG_PASSWORD));
  }

  @Test
  void keepsTheChainAndLinksKeyToLeaf() throws Exception {
    Pkcs12Upload upload = encoder.encode(chained);

    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(new ByteArrayInputStream(upload.pkcs12()), upload.password().toCharArray());
    String alias = Collections.list(store.aliases()).stream().filter(a -> isKey(store, a)).findFirst().orElseThrow();
    Certificate[] chain = store.getCertificateChain(alias);

    assertThat(chain).hasSize(2);
    assertThat(Thumbprints.of((X509Certificate) chain[0])).isEqualTo(caSigned.opensslThumbprint());
    assertThat(Thumbprints.of((X509Certificate) chain[1]))
        .isEqualTo(TestCertificates.opensslThumbprint(caSigned.caCertPem()));
  }

  @Test
  void outputReadsBackThroughTheReaderUnchanged() {
    Pkcs12Upload upload = encoder.encode(chained);

    SecretCertificate back = read(upload.pkcs12(), upload.password());

    assertThat(back.thumbprint()).isEqualTo(chained.thumbprint());
    assertThat(back.chain()).extracting(Thumbprints::of)
        .containsExactlyElementsOf(chained.chain().stream().map(Thumbprints::of).toList());
    assertThat(back.privateKey().getEncoded()).isEqualTo(chained.privateKey().getEncoded());
  }

  @Test
  void encodesAPemEcCertificateToo() throws Exception {
    Generated ec = TestCertificates.generateEc(dir, "encoder-ec");
    CertificateRead read = CertificateReader.readPem(
        TestCertificates.certPem(ec), java.nio.file.Files.readAllBytes(ec.keyPem()));
    SecretCertificate source = ((Ok) read).certificate();

    Pkcs12Upload upload = encoder.encode(source);

    assertThat(read(upload.pkcs12(), upload.password()).thumbprint()).isEqualTo(ec.opensslThumbprint());
    assertThat(Pkcs12Inspection.isB2cCompatible(upload.pkcs12(), upload.password().toCharArray())).isTrue();
  }

  @Test
  void bouncyCastleIsNeverRegisteredJvmWide() {
    encoder.encode(certificate);
    CertificateReader.readPkcs12(new byte[] {0x30, 0x03, 0x02, 0x01, 0x03}, new char[0]);

    assertThat(Arrays.stream(Security.getProviders()).map(java.security.Provider::getName)).doesNotContain("BC");
  }

  private static boolean isKey(KeyStore store, String alias) {
    try {
      return store.isKeyEntry(alias);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static SecretCertificate read(byte[] pkcs12, String password) {
    CertificateRead read = CertificateReader.readPkcs12(pkcs12, password.toCharArray());
    assertThat(read).isInstanceOf(Ok.class);
    return ((Ok) read).certificate();
  }
}
