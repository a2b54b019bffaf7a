package io.connectorcert.certificate;

import java.util.Objects;

/**
 * What {@link CertificateReader} made of a Secret's bytes: a usable certificate, or a problem to show a person.
 *
 * <p>A {@link Problem}'s message never contains secret values, passwords, key bytes, base64 or raw parser messages. It
 * does not name the Secret or its key either: the caller adds that.
 */
public sealed interface CertificateRead permits CertificateRead.Ok, CertificateRead.Problem {

  /** Why a Secret's certificate cannot be used. */
  enum Reason {
    /** Not a readable PKCS#12 or PEM, too large, or no certificate in it. */
    INVALID_CERTIFICATE,
    /** A PKCS#12 that the given password does not open. */
    WRONG_PASSWORD,
    /** Certificates but no (matching, unencrypted-for-us) private key. */
    NO_PRIVATE_KEY
  }

  record Ok(SecretCertificate certificate) implements CertificateRead {
    public Ok {
      Objects.requireNonNull(certificate, "certificate");
    }
  }

  record Problem(Reason reason, String message) implements CertificateRead {
    public Problem {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(message, "message");
    }
  }
}
