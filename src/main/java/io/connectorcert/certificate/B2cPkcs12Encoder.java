package io.connectorcert.certificate;

import java.io.IOException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERBMPString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.oiw.OIWObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS12PfxPdu;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBag;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * Re-encodes a {@link SecretCertificate} as a PKCS#12 that Azure AD B2C accepts for API connector client
 * certificates: the key in a pkcs8ShroudedKeyBag under pbeWithSHAAnd3-KeyTripleDES-CBC (1.2.840.113549.1.12.1.3), the
 * leaf and its chain in an encryptedData content under the same 3DES scheme, an HMAC-SHA1 MAC, and a fresh random
 * password for every call. The leaf's key bag and certificate bag share friendlyName and localKeyId attributes.
 *
 * <p>Works in memory only, uses BouncyCastle through an explicit provider instance and never registers it JVM-wide.
 * Thread-safe when the {@link SecureRandom} is (the JDK's are).
 */
public final class B2cPkcs12Encoder {

  /** Iterations for key derivation and MAC, as OpenSSL uses. */
  static final int ITERATIONS = 2048;

  private static final int PASSWORD_BYTES = 24;

  private final SecureRandom random;

  public B2cPkcs12Encoder(SecureRandom random) {
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A PKCS#12 of the certificate with a new random password (32 URL-safe base64 characters). */
  public Pkcs12Upload encode(SecretCertificate certificate) {
    Objects.requireNonNull(certificate, "certificate");
    byte[] secret = new byte[PASSWORD_BYTES];
    random.nextBytes(secret);
    String password = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Arrays.fill(secret, (byte) 0);
    char[] pw = password.toCharArray();
    try {
      X509Certificate leaf = certificate.leaf();
      byte[] localKeyId = HexFormat.of().parseHex(certificate.thumbprint());
      DERBMPString friendlyName = new DERBMPString(certificate.thumbprint());

      List<PKCS12SafeBag> certificateBags = new ArrayList<>();
      PKCS12SafeBagBuilder leafBag = new JcaPKCS12SafeBagBuilder(leaf);
      leafBag.addBagAttribute(PKCS12SafeBag.friendlyNameAttribute, friendlyName);
      leafBag.addBagAttribute(PKCS12SafeBag.localKeyIdAttribute, new DEROctetString(localKeyId));
      certificateBags.add(leafBag.build());
      for (X509Certificate issuer : certificate.chain()) {
        certificateBags.add(new JcaPKCS12SafeBagBuilder(issuer).build());
      }

      PKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(certificate.privateKey(), tripleDes(pw));
      keyBag.addBagAttribute(PKCS12SafeBag.friendlyNameAttribute, friendlyName);
      keyBag.addBagAttribute(PKCS12SafeBag.localKeyIdAttribute, new DEROctetString(localKeyId));

      PKCS12PfxPduBuilder pfx = new PKCS12PfxPduBuilder();
      pfx.addEncryptedData(tripleDes(pw), certificateBags.toArray(PKCS12SafeBag[]::new));
      pfx.addData(keyBag.build());
      PKCS12PfxPdu pdu = pfx.build(
          new JcePKCS12MacCalculatorBuilder(OIWObjectIdentifiers.idSHA1)
              .setProvider(BouncyCastle.PROVIDER)
              .setIterationCount(ITERATIONS),
          pw);
      return new Pkcs12Upload(pdu.getEncoded(ASN1Encoding.DER), password);
    } catch (IOException | OperatorCreationException | PKCSException e) {
      throw new IllegalStateException(
          "cannot build a PKCS#12 for certificate " + certificate.thumbprint() + ": " + e.getClass().getSimpleName(), e);
    } finally {
      Arrays.fill(pw, '\0');
    }
  }

  private OutputEncryptor tripleDes(char[] password) throws OperatorCreationException {
    return new JcePKCSPBEOutputEncryptorBuilder(PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC)
        .setProvider(BouncyCastle.PROVIDER)
        .setRandom(random)
        .setIterationCount(ITERATIONS)
        .build(password);
  }
}
