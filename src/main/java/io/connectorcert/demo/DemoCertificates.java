package io.connectorcert.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Plays cert-manager's part in the demo: a fresh self-signed certificate written as a PKCS#12 keystore the way Java
 * 17 writes one (AES-256, which B2C itself would refuse; the operator re-encodes it).
 */
public final class DemoCertificates {

  private static final SecureRandom RANDOM = new SecureRandom();

  private DemoCertificates() {}

  public static byte[] keystore(String commonName, Duration validity, char[] password) {
    return keystore(commonName, validity, password, rsaKeyPair());
  }

  /** A fresh RSA 2048 key pair: the slow part, so callers making many certificates may share one. */
  public static KeyPair rsaKeyPair() {
    try {
      var generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make an RSA key pair", e);
    }
  }

  /** A new certificate (its own serial and validity, so its own thumbprint) for {@code keyPair}. */
  public static byte[] keystore(String commonName, Duration validity, char[] password, KeyPair keyPair) {
    try {
      var now = Instant.now();
      var subject = new X500Principal("CN=" + commonName);
      var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(validity)), subject, keyPair.getPublic());
      var signer = new JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate());
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(builder.build(signer));

      var store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("1", keyPair.getPrivate(), password, new Certificate[] {certificate});
      var out = new ByteArrayOutputStream();
      store.store(out, password);
      return out.toByteArray();
    } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
      throw new IllegalStateException("cannot make the demo certificate", e);
    }
  }
}
