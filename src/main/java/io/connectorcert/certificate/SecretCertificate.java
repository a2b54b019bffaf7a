package io.connectorcert.certificate;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;

/**
 * A client certificate read from a Kubernetes Secret: the leaf, the private key that belongs to it, and the other
 * certificates of its chain in issuer order (the leaf's issuer first; the leaf itself is not in {@code chain}).
 *
 * <p>{@link #toString()} shows only the subject and the thumbprint, never key material.
 */
public record SecretCertificate(X509Certificate leaf, PrivateKey privateKey, List<X509Certificate> chain) {

  public SecretCertificate {
    Objects.requireNonNull(leaf, "leaf");
    Objects.requireNonNull(privateKey, "privateKey");
    chain = chain == null ? List.of() : List.copyOf(chain);
  }

  /**
   * The leaf's SHA-1 thumbprint as Graph reports it ({@link Thumbprints#of}). A record cannot hold a derived field, so
   * this is computed per call: one SHA-1 over about a kilobyte.
   */
  public String thumbprint() {
    return Thumbprints.of(leaf);
  }

  public Instant notBefore() {
    return leaf.getNotBefore().toInstant();
  }

  public Instant notAfter() {
    return leaf.getNotAfter().toInstant();
  }

  /** The leaf's subject as an RFC 2253 string, e.g. {@code CN=connector,O=Example}. */
  public String subject() {
    return leaf.getSubjectX500Principal().getName(X500Principal.RFC2253);
  }

  @Override
  public String toString() {
    return "SecretCertificate[subject=" + subject() + ", thumbprint=" + thumbprint() + "]";
  }
}
