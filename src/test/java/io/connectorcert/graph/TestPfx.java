package io.connectorcert.graph;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

import io.connectorcert.certificate.Pkcs12Upload;
import io.connectorcert.certificate.Thumbprints;

/** Self-signed certificates packed into PKCS#12 files of the kinds B2C accepts and refuses. */
public final class TestPfx {

  private static final BouncyCastleProvider BC = new BouncyCastleProvider(); // an instance, never registered
  private static final SecureRandom RANDOM = new SecureRandom();

  public record Made(Pkcs12Upload upload, X509Certificate certificate, String thumbprint) {}

  private TestPfx() {}

  /** What B2C accepts: key bag pbeWithSHAAnd3-KeyTripleDES-CBC, certificate in plain data, HMAC-SHA1 MAC. */
  public static Made tripleDes(String cn, Instant notBefore, Instant notAfter) {
    return bc(cn, notBefore, notAfter, PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC, true);
  }

  public static Made tripleDes(String cn) {
    Instant now = Instant.now();
    return tripleDes(cn, now.minusSeconds(3600), now.plusSeconds(86_400 * 30L));
  }

  /** A SHA-1 MAC but an AES-256 (PBES2) key bag: opens with the password, yet B2C refuses it. */
  public static Made aesKeyBagSha1Mac(String cn) {
    Instant now = Instant.now();
    return bc(cn, now.minusSeconds(3600), now.plusSeconds(86_400), NISTObjectIdentifiers.id_aes256_CBC, true);
  }

  /** A certificate and no key. */
  public static Made certificateOnly(String cn) {
    Instant now = Instant.now();
    return bc(cn, now.minusSeconds(3600), now.plusSeconds(86_400), null, true);
  }

  /** Java 17's KeyStore default output: AES-256 key and certificate protection, HMAC-SHA256 MAC. */
  public static Made jdkDefault(String cn) {
    try {
      Instant now = Instant.now();
      KeyPair kp = keyPair();
      X509Certificate cert = selfSigned(cn, kp, now.minusSeconds(3600), now.plusSeconds(86_400));
      String password = password();
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("key", kp.getPrivate(), password.toCharArray(), new Certificate[] {cert});
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ks.store(out, password.toCharArray());
      return new Made(new Pkcs12Upload(out.toByteArray(), password), cert, Thumbprints.of(cert));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Made bc(String cn, Instant notBefore, Instant notAfter, ASN1ObjectIdentifier keyEncryption,
      boolean mac) {
    try {
      KeyPair kp = keyPair();
      X509Certificate cert = selfSigned(cn, kp, notBefore, notAfter);
      String password = password();
      char[] pw = password.toCharArray();
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

      PKCS12SafeBagBuilder certBag = new JcaPKCS12SafeBagBuilder(cert);
      certBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(cn));
      certBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId,
          ext.createSubjectKeyIdentifier(kp.getPublic()));
      PKCS12PfxPduBuilder builder = new PKCS12PfxPduBuilder();
      builder.addData(certBag.build());
      if (keyEncryption != null) {
        OutputEncryptor encryptor = new JcePKCSPBEOutputEncryptorBuilder(keyEncryption).setProvider(BC).build(pw);
        PKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(kp.getPrivate(), encryptor);
        keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_friendlyName, new DERBMPString(cn));
        keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId,
            ext.createSubjectKeyIdentifier(kp.getPublic()));
        builder.addData(keyBag.build());
      }
      PKCS12PfxPdu pfx = builder.build(new JcePKCS12MacCalculatorBuilder().setProvider(BC), pw);
      byte[] der = pfx.getEncoded(ASN1Encoding.DER);
      return new Made(new Pkcs12Upload(der, password), cert, Thumbprints.of(cert));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair keyPair() throws Exception {
    KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
    kpg.initialize(2048);
    return kpg.generateKeyPair();
  }

  private static X509Certificate selfSigned(String cn, KeyPair kp, Instant notBefore, Instant notAfter)
      throws Exception {
    X500Name name = new X500Name("CN=" + cn);
    X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, RANDOM),
        Date.from(notBefore), Date.from(notAfter), name, kp.getPublic());
    return new JcaX509CertificateConverter().getCertificate(
        b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
  }

  private static String password() {
    byte[] b = new byte[18];
    RANDOM.nextBytes(b);
    return "pw-" + java.util.HexFormat.of().formatHex(b);
  }
}
