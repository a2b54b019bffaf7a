package io.connectorcert.standin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagFactory;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;

/**
 * Judges an uploaded PKCS#12 the way Azure AD B2C does: it must open with the password, carry a SHA-1 MAC, and hold a
 * private key encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC. Anything else is "the password is incorrect".
 */
final class Pkcs12Inspector {

  static final ASN1ObjectIdentifier TRIPLE_DES_KEY_BAG = PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC;

  /** Not registered JVM-wide; used only to decrypt encryptedData contents while looking for key bags. */
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();

  enum Verdict {
    OK, PASSWORD_INCORRECT, NO_PRIVATE_KEY, MALFORMED
  }

  record Result(Verdict verdict, X509Certificate leaf, String detail) {}

  private Pkcs12Inspector() {}

  static Result inspect(byte[] pkcs12, String password) {
    char[] pw = password.toCharArray();
    PKCS12PfxPdu pfx;
    try {
      pfx = new PKCS12PfxPdu(pkcs12);
    } catch (IOException | RuntimeException e) {
      return new Result(Verdict.MALFORMED, null, "not a PKCS#12");
    }
    if (!pfx.hasMac() || !OIWObjectIdentifiers.idSHA1.equals(pfx.getMacAlgorithmID().getAlgorithm())) {
      return new Result(Verdict.PASSWORD_INCORRECT, null, "MAC is not HMAC-SHA1");
    }

    KeyStore keyStore;
    try {
      keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(new ByteArrayInputStream(pkcs12), pw); // never null: null skips the integrity check
    } catch (IOException e) {
      return new Result(Verdict.PASSWORD_INCORRECT, null, "wrong password or unreadable");
    } catch (Exception e) {
      return new Result(Verdict.MALFORMED, null, "unreadable PKCS#12");
    }

    X509Certificate leaf = null;
    try {
      for (String alias : Collections.list(keyStore.aliases())) {
        if (keyStore.isKeyEntry(alias)) {
          Key key = keyStore.getKey(alias, pw);
          Certificate cert = keyStore.getCertificate(alias);
          if (key instanceof PrivateKey && cert instanceof X509Certificate x509) {
            leaf = x509;
            break;
          }
        }
      }
    } catch (Exception e) {
      return new Result(Verdict.PASSWORD_INCORRECT, null, "key does not open with the password");
    }
    if (leaf == null) {
      return new Result(Verdict.NO_PRIVATE_KEY, null, "no private key");
    }

    List<ASN1ObjectIdentifier> keyBagAlgorithms = new ArrayList<>();
    try {
      for (ContentInfo info : pfx.getContentInfos()) {
        PKCS12SafeBagFactory factory;
        if (PKCSObjectIdentifiers.encryptedData.equals(info.getContentType())) {
          try {
            factory = new PKCS12SafeBagFactory(info,
                new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(BC).build(pw));
          } catch (Exception cannotDecrypt) {
            continue; // judged below: a key we could not see is not a key B2C accepts
          }
        } else {
          factory = new PKCS12SafeBagFactory(info);
        }
        collectKeyBags(factory.getSafeBags(), keyBagAlgorithms);
      }
    } catch (Exception e) {
      return new Result(Verdict.MALFORMED, null, "unreadable safe contents");
    }
    if (keyBagAlgorithms.isEmpty() || keyBagAlgorithms.stream().anyMatch(a -> !TRIPLE_DES_KEY_BAG.equals(a))) {
      return new Result(Verdict.PASSWORD_INCORRECT, null, "key bag not encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC");
    }
    return new Result(Verdict.OK, leaf, null);
  }

  private static void collectKeyBags(PKCS12SafeBag[] bags, List<ASN1ObjectIdentifier> out) {
    for (PKCS12SafeBag bag : bags) {
      if (PKCSObjectIdentifiers.pkcs8ShroudedKeyBag.equals(bag.getType())) {
        PKCS8EncryptedPrivateKeyInfo info = (PKCS8EncryptedPrivateKeyInfo) bag.getBagValue();
        out.add(info.getEncryptionAlgorithm().getAlgorithm());
      } else if (PKCSObjectIdentifiers.keyBag.equals(bag.getType())) {
        out.add(PKCSObjectIdentifiers.keyBag); // unencrypted key: not what B2C accepts
      }
    }
  }
}
