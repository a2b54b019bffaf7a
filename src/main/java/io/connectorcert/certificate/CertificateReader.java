package io.connectorcert.certificate;

import io.connectorcert.certificate.CertificateRead.Ok;
import io.connectorcert.certificate.CertificateRead.Problem;
import io.connectorcert.certificate.CertificateRead.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilderProvider;

/**
 * Turns the bytes of a Kubernetes Secret into a validated {@link SecretCertificate}, or into a {@link Problem} a person
 * can act on. Pure functions: no I/O, no logging, no JVM-wide provider changes.
 *
 * <p>Problem messages never contain the password, key or certificate bytes, base64, or raw JDK/BouncyCastle exception
 * messages (those can echo input). They do not name the Secret; the caller prefixes that.
 */
public final class CertificateReader {

  /** Inputs above this size are refused before any parsing. */
  public static final int MAX_INPUT_BYTES = 1024 * 1024;
  /** Leaf issuers beyond this are not a chain but a bundle; uploading them would bloat every sign-up call. */
  public static final int MAX_CHAIN = 10;
  /**
   * A PKCS#12 whose MAC, key or certificate encryption asks for more iterations than this is refused before any key
   * derivation (the reasoning and measurements are at {@code Pkcs12Cost.MAX_ITERATIONS}).
   */
  public static final int MAX_PKCS12_ITERATIONS = Pkcs12Cost.MAX_ITERATIONS;

  private static final Pattern PEM_CERTIFICATE =
      Pattern.compile("-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]++-----END CERTIFICATE-----");

  private static final byte[] CHALLENGE = "connector-cert-operator key match".getBytes(StandardCharsets.US_ASCII);

  private CertificateReader() {}

  /**
   * Reads a PKCS#12 (.pfx) with the JDK's own PKCS12 keystore, so every encoding Java 17 reads is accepted: OpenSSL 3's
   * default (AES-256-CBC, PBKDF2, HMAC-SHA256), {@code -legacy} RC2-40, 3DES with a SHA-1 MAC, keytool's.
   *
   * <p>Before the JDK reads it, the file's structure is checked so that reading it costs well under a second of CPU:
   * iteration counts over {@link #MAX_PKCS12_ITERATIONS} (MAC, key or certificate encryption), too many encrypted
   * parts, or too much derivation work in total are {@link Reason#INVALID_CERTIFICATE}.
   *
   * <p>When the PKCS#12 holds several private keys, the first key entry (in file order) whose certificate belongs to
   * its key is used; the chain is that entry's chain without the leaf.
   *
   * @param password the PKCS#12 password; {@code null} or empty both mean "no password" and are tried as the empty
   *     password (never as {@code null}, which would make the JDK skip the integrity check)
   */
  public static CertificateRead readPkcs12(byte[] pkcs12, char[] password) {
    if (pkcs12 == null || pkcs12.length == 0) {
      return problem(Reason.INVALID_CERTIFICATE, "the PKCS#12 is empty");
    }
    if (pkcs12.length > MAX_INPUT_BYTES) {
      return tooLarge("the PKCS#12");
    }
    char[] pw = password == null ? new char[0] : password;
    // iteration counts and the shape of the file, before the JDK (or BouncyCastle) derives any key
    Pkcs12Cost.Checked checked = Pkcs12Cost.check(pkcs12, pw);
    if (checked.problem() != null) {
      return checked.problem();
    }
    KeyStore store;
    try {
      store = KeyStore.getInstance("PKCS12");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no PKCS12 keystore", e);
    }
    try {
      store.load(new ByteArrayInputStream(pkcs12), pw);
    } catch (IOException e) {
      if (e.getCause() instanceof UnrecoverableKeyException || macRefusesPassword(pkcs12, pw)) {
        return wrongPassword();
      }
      return problem(Reason.INVALID_CERTIFICATE, "the data is not a readable PKCS#12 (.pfx) file");
    } catch (GeneralSecurityException | RuntimeException e) {
      if (macRefusesPassword(pkcs12, pw)) {
        return wrongPassword();
      }
      return problem(Reason.INVALID_CERTIFICATE, "the data is not a readable PKCS#12 (.pfx) file");
    }

    if (!checked.inspectedEverything()) {
      // the JDK decrypted content that the check could not: key bags in it were not checked against the caps
      return problem(Reason.INVALID_CERTIFICATE,
          "the encrypted content of the PKCS#12 could not be checked before reading it; export it again with"
              + " OpenSSL or keytool");
    }

    try {
      boolean sawKey = false;
      for (String alias : Collections.list(store.aliases())) {
        // private keys only: a secret key entry is not a certificate's key, and opening it would cost a derivation
        if (!store.entryInstanceOf(alias, KeyStore.PrivateKeyEntry.class)) {
          continue;
        }
        Key key;
        try {
          key = store.getKey(alias, pw);
        } catch (UnrecoverableKeyException e) {
          return problem(
              Reason.WRONG_PASSWORD,
              "the private key in the PKCS#12 could not be opened with the password given"
                  + " (its key password differs from the file password)");
        }
        if (!(key instanceof PrivateKey privateKey)) {
          continue;
        }
        sawKey = true;
        Certificate[] entryChain = store.getCertificateChain(alias);
        if (entryChain == null
            || entryChain.length == 0
            || !(entryChain[0] instanceof X509Certificate leaf)
            || !keyMatches(privateKey, leaf.getPublicKey())) {
          continue;
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (int i = 1; i < entryChain.length; i++) {
          if (entryChain[i] instanceof X509Certificate c) {
            chain.add(c);
          }
        }
        return accepted(new SecretCertificate(leaf, privateKey, chain));
      }
      if (sawKey) {
        return problem(Reason.NO_PRIVATE_KEY, "the private key in the PKCS#12 does not match its certificate");
      }
      if (hasCertificateEntries(store)) {
        return noKeyInPkcs12();
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return problem(Reason.INVALID_CERTIFICATE, "the PKCS#12 could not be read");
    }
    // The JDK shows certificates without a key (and unencrypted bags it cannot attribute) as an empty keystore.
    return switch (checked.certificates()) {
      case SOME -> noKeyInPkcs12();
      case NONE -> problem(Reason.INVALID_CERTIFICATE, "the PKCS#12 holds neither a certificate nor a private key");
      case UNKNOWN -> problem(Reason.NO_PRIVATE_KEY, "no private key in the PKCS#12");
    };
  }

  /**
   * Reads a kubernetes.io/tls style pair: {@code tls.crt} with one or more PEM certificates (text around the blocks is
   * ignored) and {@code tls.key} with an unencrypted PKCS#1 ({@code RSA PRIVATE KEY}), PKCS#8 ({@code PRIVATE KEY}) or
   * SEC1 ({@code EC PRIVATE KEY}) key.
   *
   * <p>The leaf is the first certificate in {@code tls.crt} whose public key belongs to the private key, wherever it
   * stands in the file; the other certificates form the chain, ordered from the leaf's issuer upwards (certificates
   * outside that path follow in file order).
   */
  public static CertificateRead readPem(byte[] certPem, byte[] keyPem) {
    if (certPem == null || certPem.length == 0) {
      return problem(Reason.INVALID_CERTIFICATE, "tls.crt is empty");
    }
    if (certPem.length > MAX_INPUT_BYTES) {
      return tooLarge("tls.crt");
    }
    if (keyPem != null && keyPem.length > MAX_INPUT_BYTES) {
      return tooLarge("tls.key");
    }

    List<X509Certificate> certificates = new ArrayList<>();
    String certText = new String(certPem, StandardCharsets.US_ASCII);
    Matcher m = PEM_CERTIFICATE.matcher(certText);
    CertificateFactory factory;
    try {
      factory = CertificateFactory.getInstance("X.509");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no X.509 certificate factory", e);
    }
    int index = 0;
    while (m.find()) {
      index++;
      try {
        Certificate c = factory.generateCertificate(new ByteArrayInputStream(m.group().getBytes(StandardCharsets.US_ASCII)));
        if (!(c instanceof X509Certificate x509)) {
          return problem(Reason.INVALID_CERTIFICATE, "certificate " + index + " in tls.crt is not an X.509 certificate");
        }
        certificates.add(x509);
      } catch (GeneralSecurityException | RuntimeException e) {
        return problem(Reason.INVALID_CERTIFICATE, "certificate " + index + " in tls.crt is not a valid X.509 certificate");
      }
    }
    if (certificates.isEmpty()) {
      return problem(Reason.INVALID_CERTIFICATE, "tls.crt holds no PEM certificate block");
    }

    if (keyPem == null || keyPem.length == 0) {
      return problem(Reason.NO_PRIVATE_KEY, "tls.key is empty");
    }
    List<PrivateKey> keys = new ArrayList<>();
    boolean sawEncrypted = false;
    JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
    try (PEMParser parser = new PEMParser(new StringReader(new String(keyPem, StandardCharsets.US_ASCII)))) {
      Object o;
      while ((o = parser.readObject()) != null) {
        if (o instanceof PEMKeyPair pair) {
          keys.add(converter.getKeyPair(pair).getPrivate());
        } else if (o instanceof PrivateKeyInfo info) {
          keys.add(converter.getPrivateKey(info));
        } else if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
          sawEncrypted = true;
        }
        // anything else (EC PARAMETERS, certificates, public keys) is not a private key: skip it
      }
    } catch (IOException | RuntimeException e) {
      return problem(Reason.NO_PRIVATE_KEY, "tls.key is not a readable PEM private key");
    }
    if (keys.isEmpty()) {
      return sawEncrypted
          ? problem(Reason.NO_PRIVATE_KEY, "tls.key is encrypted; the operator needs an unencrypted PEM private key")
          : problem(Reason.NO_PRIVATE_KEY, "tls.key holds no PEM private key (PKCS#1, PKCS#8 or EC)");
    }

    for (PrivateKey key : keys) {
      for (X509Certificate candidate : certificates) {
        if (keyMatches(key, candidate.getPublicKey())) {
          return accepted(new SecretCertificate(candidate, key, issuerOrder(candidate, certificates)));
        }
      }
    }
    return problem(Reason.NO_PRIVATE_KEY, "tls.key holds no private key that matches the certificate in tls.crt");
  }

  /** The certificates other than the leaf: the leaf's issuer path first, then the rest in their original order. */
  private static List<X509Certificate> issuerOrder(X509Certificate leaf, List<X509Certificate> all) {
    Set<X509Certificate> remaining = new LinkedHashSet<>(all);
    remaining.remove(leaf);
    List<X509Certificate> ordered = new ArrayList<>();
    X509Certificate current = leaf;
    while (!remaining.isEmpty() && !isSelfIssued(current)) {
      X509Certificate issuer = null;
      for (X509Certificate c : remaining) {
        if (c.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
          issuer = c;
          break;
        }
      }
      if (issuer == null) {
        break;
      }
      ordered.add(issuer);
      remaining.remove(issuer);
      current = issuer;
    }
    ordered.addAll(remaining);
    return ordered;
  }

  private static boolean isSelfIssued(X509Certificate c) {
    return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
  }

  /** Whether {@code privateKey} is the private half of {@code publicKey}. */
  static boolean keyMatches(PrivateKey privateKey, PublicKey publicKey) {
    if (privateKey instanceof RSAPrivateKey rsa) {
      if (!(publicKey instanceof RSAPublicKey pub) || !rsa.getModulus().equals(pub.getModulus())) {
        return false;
      }
      if (rsa instanceof RSAPrivateCrtKey crt) {
        return crt.getPublicExponent().equals(pub.getPublicExponent());
      }
      return signatureVerifies("SHA256withRSA", privateKey, publicKey);
    }
    if (!privateKey.getAlgorithm().equals(publicKey.getAlgorithm())) {
      return false;
    }
    return switch (privateKey.getAlgorithm()) {
      case "EC" -> signatureVerifies("SHA256withECDSA", privateKey, publicKey);
      case "DSA" -> signatureVerifies("SHA256withDSA", privateKey, publicKey);
      case "EdDSA", "Ed25519", "Ed448" -> signatureVerifies("EdDSA", privateKey, publicKey);
      default -> false;
    };
  }

  private static boolean signatureVerifies(String algorithm, PrivateKey privateKey, PublicKey publicKey) {
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(CHALLENGE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(publicKey);
      verifier.update(CHALLENGE);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static boolean hasCertificateEntries(KeyStore store) throws GeneralSecurityException {
    for (String alias : Collections.list(store.aliases())) {
      if (store.isCertificateEntry(alias)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code pkcs12} is a well-formed PKCS#12 whose MAC the password does not verify. A safety net for load
   * failures the JDK does not attribute to the password (a wrong password can decrypt to garbage with valid padding);
   * JDK 17 attributed all wrong passwords tried in the tests itself. The MAC's iteration count was checked by
   * {@link Pkcs12Cost} before.
   */
  private static boolean macRefusesPassword(byte[] pkcs12, char[] password) {
    try {
      PKCS12PfxPdu pfx = new PKCS12PfxPdu(pkcs12);
      return pfx.hasMac()
          && !pfx.isMacValid(
              new JcePKCS12MacCalculatorBuilderProvider().setProvider(BouncyCastle.PROVIDER), password);
    } catch (Exception e) {
      return false;
    }
  }

  private static Problem noKeyInPkcs12() {
    return problem(Reason.NO_PRIVATE_KEY, "no private key in the PKCS#12: it holds only certificates");
  }

  private static Problem wrongPassword() {
    return problem(Reason.WRONG_PASSWORD, "the PKCS#12 could not be opened with the password given");
  }

  private static Problem tooLarge(String what) {
    return problem(
        Reason.INVALID_CERTIFICATE, what + " is larger than 1 MiB, far more than any client certificate needs");
  }

  private static Problem problem(Reason reason, String message) {
    return new Problem(reason, message);
  }

  private static CertificateRead accepted(SecretCertificate certificate) {
    if (certificate.chain().size() > MAX_CHAIN) {
      return problem(Reason.INVALID_CERTIFICATE, "the certificate comes with " + certificate.chain().size()
          + " chain certificates; at most " + MAX_CHAIN + " are accepted: keep the leaf and its issuers only");
    }
    return new Ok(certificate);
  }
}
