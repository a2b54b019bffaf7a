package io.connectorcert.credentials;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Re-encodes a certificate + key PEM into the one form azure-identity 1.19 reads ({@code CertificateUtil}: a regex for
 * {@code BEGIN PRIVATE KEY} and an RSA {@code KeyFactory}): certificates as they are, then the RSA key as unencrypted
 * PKCS#8. Error messages name what is wrong, never any of the material.
 */
final class PemForAzureIdentity {

  private PemForAzureIdentity() {}

  static byte[] normalize(byte[] pem) {
    List<X509CertificateHolder> certificates = new ArrayList<>();
    List<PrivateKeyInfo> keys = new ArrayList<>();
    try (PEMParser parser = new PEMParser(
        new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII))) {
      Object item;
      while ((item = parser.readObject()) != null) {
        if (item instanceof X509CertificateHolder certificate) {
          certificates.add(certificate);
        } else if (item instanceof PEMKeyPair pair) {
          keys.add(pair.getPrivateKeyInfo());
        } else if (item instanceof PrivateKeyInfo key) {
          keys.add(key);
        } else if (item instanceof PEMEncryptedKeyPair || item instanceof PKCS8EncryptedPrivateKeyInfo) {
          throw new IllegalArgumentException("the PEM private key is encrypted; an unencrypted key is needed");
        }
        // anything else (EC PARAMETERS, public keys, CRLs) is not needed
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      // the parser's message could quote the input: name only the kind of failure
      throw new IllegalArgumentException("the certificate PEM cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("the certificate PEM holds no certificate");
    }
    if (keys.size() != 1) {
      throw new IllegalArgumentException(keys.isEmpty()
          ? "the certificate PEM holds no private key"
          : "the certificate PEM holds " + keys.size() + " private keys; exactly one is needed");
    }
    PrivateKeyInfo key = keys.get(0);
    if (!PKCSObjectIdentifiers.rsaEncryption.equals(key.getPrivateKeyAlgorithm().getAlgorithm())) {
      throw new IllegalArgumentException("the certificate's private key is not RSA (algorithm "
          + key.getPrivateKeyAlgorithm().getAlgorithm() + "); azure-identity signs client assertions with RSA only");
    }
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      for (X509CertificateHolder certificate : certificates) {
        writer.writeObject(new PemObject("CERTIFICATE", certificate.getEncoded()));
      }
      writer.writeObject(new PemObject("PRIVATE KEY", key.getEncoded()));
    } catch (IOException e) {
      throw new IllegalStateException("cannot re-encode the certificate PEM", e);
    }
    return out.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
