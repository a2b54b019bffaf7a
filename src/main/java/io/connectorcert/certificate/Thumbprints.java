package io.connectorcert.certificate;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;

/** A certificate's identity as Graph reports it: SHA-1 over the DER encoding, 40 upper-case hex digits. */
public final class Thumbprints {

  private Thumbprints() {}

  public static String of(X509Certificate certificate) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(certificate.getEncoded());
      return HexFormat.of().withUpperCase().formatHex(digest);
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot compute the SHA-1 thumbprint of " + certificate.getSubjectX500Principal(), e);
    }
  }

  /** Graph's thumbprints compare case-insensitively. */
  public static boolean same(String a, String b) {
    return a != null && a.equalsIgnoreCase(b);
  }
}
