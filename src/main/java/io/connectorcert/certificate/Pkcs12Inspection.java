package io.connectorcert.certificate;

import java.util.Optional;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;

/**
 * Reports which algorithms protect a PKCS#12, e.g. to check that an upload is in the encoding Azure AD B2C accepts.
 * Pure functions; any unreadable input gives {@link Optional#empty()}.
 */
public final class Pkcs12Inspection {

  /** pbeWithSHAAnd3-KeyTripleDES-CBC. */
  public static final String PBE_SHA1_3DES = PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC.getId();

  /** SHA-1, as the digest of a PKCS#12 HMAC. */
  public static final String SHA1 = "1.3.14.3.2.26";

  private Pkcs12Inspection() {}

  /**
   * The encryption algorithm OID of the first pkcs8ShroudedKeyBag, e.g. {@value #PBE_SHA1_3DES} or 1.2.840.113549.1.5.13
   * (PBES2). The password is needed only when the key bag sits inside encrypted content.
   */
  public static Optional<String> keyBagAlgorithmOid(byte[] pkcs12, char[] password) {
    try {
      PKCS12PfxPdu pfx = new PKCS12PfxPdu(pkcs12);
      var decryptors = new JcePKCSPBEInputDecryptorProviderBuilder()
          .setProvider(BouncyCastle.PROVIDER)
          .build(password == null ? new char[0] : password);
      for (ContentInfo info : pfx.getContentInfos()) {
        PKCS12SafeBagFactory bags = info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)
            ? new PKCS12SafeBagFactory(info, decryptors)
            : new PKCS12SafeBagFactory(info);
        for (PKCS12SafeBag bag : bags.getSafeBags()) {
          if (bag.getBagValue() instanceof PKCS8EncryptedPrivateKeyInfo key) {
            return Optional.of(key.getEncryptionAlgorithm().getAlgorithm().getId());
          }
        }
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** The encryption algorithm OID of the first encryptedData content (where certificates usually are); no password needed. */
  public static Optional<String> encryptedContentAlgorithmOid(byte[] pkcs12) {
    try {
      for (ContentInfo info : new PKCS12PfxPdu(pkcs12).getContentInfos()) {
        if (info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
          EncryptedData data = EncryptedData.getInstance(info.getContent());
          return Optional.of(data.getEncryptionAlgorithm().getAlgorithm().getId());
        }
      }
      return Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** The digest OID of the integrity MAC, e.g. {@value #SHA1} for HMAC-SHA1; empty when there is no MAC. */
  public static Optional<String> macAlgorithmOid(byte[] pkcs12) {
    try {
      PKCS12PfxPdu pfx = new PKCS12PfxPdu(pkcs12);
      return pfx.hasMac() ? Optional.of(pfx.getMacAlgorithmID().getAlgorithm().getId()) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  /** A 3DES-shrouded key bag and an HMAC-SHA1 MAC: what Azure AD B2C accepts. */
  public static boolean isB2cCompatible(byte[] pkcs12, char[] password) {
    return keyBagAlgorithmOid(pkcs12, password).filter(PBE_SHA1_3DES::equals).isPresent()
        && macAlgorithmOid(pkcs12).filter(SHA1::equals).isPresent();
  }
}
