package io.connectorcert.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectorcert.support.TestCertificates;
import io.connectorcert.support.TestCertificates.Encoding;
import io.connectorcert.support.TestCertificates.Generated;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pkcs12Inspection against files openssl and keytool wrote; also proves the test encodings differ as claimed. */
class Pkcs12InspectionTest {

  private static final String PW = "inspect-pw";
  private static final String TRIPLE_DES = "1.2.840.113549.1.12.1.3";
  private static final String RC2_40 = "1.2.840.113549.1.12.1.6";
  private static final String PBES2 = "1.2.840.113549.1.5.13";
  private static final String SHA1 = "1.3.14.3.2.26";
  private static final String SHA256 = "2.16.840.1.101.3.4.2.1";

  @TempDir static Path dir;
  private static Generated rsa;

  @BeforeAll
  static void generate() {
    rsa = TestCertificates.generate(dir, "inspect-rsa");
  }

  @Test
  void opensslDefaultIsPbes2WithSha256Mac() {
    byte[] pfx = TestCertificates.pfx(rsa, Encoding.AES_DEFAULT, PW);
    assertThat(Pkcs12Inspection.keyBagAlgorithmOid(pfx, PW.toCharArray())).contains(PBES2);
    assertThat(Pkcs12Inspection.encryptedContentAlgorithmOid(pfx)).contains(PBES2);
    assertThat(Pkcs12Inspection.macAlgorithmOid(pfx)).contains(SHA256);
  }

  @Test
  void legacyIsRc2CertificatesWithTripleDesKeyAndSha1Mac() {
    byte[] pfx = TestCertificates.pfx(rsa, Encoding.LEGACY_RC2, PW);
    assertThat(Pkcs12Inspection.encryptedContentAlgorithmOid(pfx)).contains(RC2_40);
    assertThat(Pkcs12Inspection.keyBagAlgorithmOid(pfx, PW.toCharArray())).contains(TRIPLE_DES);
    assertThat(Pkcs12Inspection.macAlgorithmOid(pfx)).contains(SHA1);
  }

  @Test
  void legacyTripleDesIsB2cCompatibleAsWritten() {
    byte[] pfx = TestCertificates.pfx(rsa, Encoding.LEGACY_3DES, PW);
    assertThat(Pkcs12Inspection.encryptedContentAlgorithmOid(pfx)).contains(TRIPLE_DES);
    assertThat(Pkcs12Inspection.isB2cCompatible(pfx, PW.toCharArray())).isTrue();
  }

  @Test
  void modernAndKeytoolAreNotB2cCompatible() {
    for (Encoding encoding : new Encoding[] {Encoding.MODERN_2023, Encoding.KEYTOOL}) {
      byte[] pfx = TestCertificates.pfx(rsa, encoding, PW);
      assertThat(Pkcs12Inspection.keyBagAlgorithmOid(pfx, PW.toCharArray())).as(encoding.name()).contains(PBES2);
      assertThat(Pkcs12Inspection.isB2cCompatible(pfx, PW.toCharArray())).as(encoding.name()).isFalse();
    }
  }

  @Test
  void unreadableInputGivesNothing() {
    byte[] junk = {1, 2, 3, 4};
    assertThat(Pkcs12Inspection.keyBagAlgorithmOid(junk, PW.toCharArray())).isEmpty();
    assertThat(Pkcs12Inspection.macAlgorithmOid(junk)).isEmpty();
    assertThat(Pkcs12Inspection.encryptedContentAlgorithmOid(junk)).isEmpty();
    assertThat(Pkcs12Inspection.isB2cCompatible(junk, PW.toCharArray())).isFalse();
  }

  @Test
  void certificateOnlyFileHasNoKeyBag() {
    byte[] pfx = TestCertificates.certificateOnlyPfx(rsa, PW);
    assertThat(Pkcs12Inspection.macAlgorithmOid(pfx)).contains(SHA256);
    assertThat(Pkcs12Inspection.keyBagAlgorithmOid(pfx, PW.toCharArray())).isEmpty();
  }
}
