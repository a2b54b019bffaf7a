package io.connectorcert.standin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;

import org.bouncycastle.pkcs.PKCS12PfxPdu;

import io.connectorcert.certificate.Pkcs12Inspection;

/**
 * Judges an uploaded PKCS#12 the way Azure AD B2C does: it must open with the password, carry a SHA-1 MAC, and hold a
 * private key encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC. Anything else is "the password is incorrect".
 */
final class Pkcs12Inspector {

  enum Verdict {
    OK, PASSWORD_INCORRECT, NO_PRIVATE_KEY, MALFORMED
  }

  record Result(Verdict verdict, X509Certificate leaf, String detail) {}

  private Pkcs12Inspector() {}

  static Result inspect(byte[] pkcs12, String password) {
    char[] pw = password.toCharArray();
    try {
      new PKCS12PfxPdu(pkcs12);
    } catch (IOException | RuntimeException e) {
      return new Result(Verdict.MALFORMED, null, "not a PKCS#12");
    }
    if (Pkcs12Inspection.macAlgorithmOid(pkcs12).filter(Pkcs12Inspection.SHA1::equals).isEmpty()) {
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

    if (Pkcs12Inspection.keyBagAlgorithmOid(pkcs12, pw).filter(Pkcs12Inspection.PBE_SHA1_3DES::equals).isEmpty()) {
      return new Result(Verdict.PASSWORD_INCORRECT, null, "key bag not encrypted with pbeWithSHAAnd3-KeyTripleDES-CBC");
    }
    return new Result(Verdict.OK, leaf, null);
  }
}
