package io.connectorcert.reconciler;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.certificate.CertificateRead;
import io.connectorcert.certificate.CertificateReader;
import io.connectorcert.certificate.SecretCertificate;
import io.connectorcert.kube.SecretData;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * Turns the Secrets a resource names into a validated certificate, or into the reason a person must act on. Pure: the
 * Secrets come from the informer cache. Messages name Secrets and keys, never their values.
 */
public final class SecretMaterial {

  public static final String KEYSTORE_KEY = "keystore.p12";
  public static final String TLS_CRT = "tls.crt";
  public static final String TLS_KEY = "tls.key";
  public static final String PEM_PAIR = TLS_CRT + "+" + TLS_KEY;
  static final int MAX_PASSWORD_BYTES = 1024;

  private SecretMaterial() {}

  /** Either the certificate, or a {@link Outcome.UserProblem}. */
  public sealed interface Loaded {}

  /** The certificate, and where in the Secret it was read (a PKCS#12 key, or {@link #PEM_PAIR}). */
  public record Ok(SecretCertificate certificate, String key) implements Loaded {}

  public record Problem(Outcome.UserProblem problem) implements Loaded {}

  public static Loaded load(ApiConnectorCertificateSpec spec, Optional<Secret> certificateSecret,
      Optional<Secret> passwordSecret, Instant now) {
    var secretName = spec.secretRef().name();
    if (certificateSecret.isEmpty()) {
      return problem(Reasons.SECRET_NOT_FOUND, "Secret " + secretName + " not found in this namespace");
    }
    var data = SecretData.of(certificateSecret.get());
    var requestedKey = spec.secretRef().key();

    CertificateRead read;
    String key;
    if (requestedKey != null || data.containsKey(KEYSTORE_KEY)) {
      key = requestedKey != null ? requestedKey : KEYSTORE_KEY;
      if (!data.containsKey(key)) {
        return problem(Reasons.SECRET_KEY_NOT_FOUND, "Secret " + secretName + " has no key " + key);
      }
      var password = password(spec, passwordSecret);
      if (password instanceof PasswordProblem p) {
        return new Problem(p.problem());
      }
      read = CertificateReader.readPkcs12(data.get(key), ((PasswordValue) password).value());
      // cert-manager writes keystore.p12 (with a password) beside tls.crt and tls.key: without a password to open
      // the keystore, and without a key chosen in the spec, the PEM pair in the same Secret is the certificate
      if (requestedKey == null && spec.passwordSecretRef() == null && hasPemPair(data)
          && read instanceof CertificateRead.Problem p && p.reason() == CertificateRead.Reason.WRONG_PASSWORD) {
        key = PEM_PAIR;
        read = CertificateReader.readPem(data.get(TLS_CRT), data.get(TLS_KEY));
      }
    } else {
      key = PEM_PAIR;
      if (!hasPemPair(data)) {
        return problem(Reasons.SECRET_KEY_NOT_FOUND, "Secret " + secretName + " has neither " + KEYSTORE_KEY
            + " nor the pair " + TLS_CRT + " + " + TLS_KEY);
      }
      read = CertificateReader.readPem(data.get(TLS_CRT), data.get(TLS_KEY));
    }
    var source = "Secret " + secretName + " key " + key;

    if (read instanceof CertificateRead.Problem p) {
      return problem(reasonOf(p), source + ": " + p.message());
    }
    var certificate = ((CertificateRead.Ok) read).certificate();
    if (!certificate.notAfter().isAfter(now)) {
      return new Problem(new Outcome.UserProblem(Reasons.CERTIFICATE_EXPIRED,
          source + ": certificate " + certificate.thumbprint() + " expired at " + certificate.notAfter()
              + "; renew it, nothing was uploaded",
          Optional.of(certificate)));
    }
    return new Ok(certificate, key);
  }

  private static boolean hasPemPair(java.util.Map<String, byte[]> data) {
    return data.containsKey(TLS_CRT) && data.containsKey(TLS_KEY);
  }

  private sealed interface Password {}

  private record PasswordValue(char[] value) implements Password {}

  private record PasswordProblem(Outcome.UserProblem problem) implements Password {}

  private static Password password(ApiConnectorCertificateSpec spec, Optional<Secret> passwordSecret) {
    var ref = spec.passwordSecretRef();
    if (ref == null) {
      return new PasswordValue(new char[0]);
    }
    if (passwordSecret.isEmpty()) {
      return new PasswordProblem(new Outcome.UserProblem(Reasons.PASSWORD_SECRET_NOT_FOUND,
          "password Secret " + ref.name() + " not found in this namespace", Optional.empty()));
    }
    var value = SecretData.of(passwordSecret.get()).get(ref.keyOrDefault());
    if (value == null) {
      return new PasswordProblem(new Outcome.UserProblem(Reasons.SECRET_KEY_NOT_FOUND,
          "password Secret " + ref.name() + " has no key " + ref.keyOrDefault(), Optional.empty()));
    }
    if (value.length > MAX_PASSWORD_BYTES) {
      return new PasswordProblem(new Outcome.UserProblem(Reasons.WRONG_PASSWORD, "password Secret " + ref.name()
          + " key " + ref.keyOrDefault() + " holds " + value.length + " bytes; a PKCS#12 password is at most "
          + MAX_PASSWORD_BYTES, Optional.empty()));
    }
    return new PasswordValue(new String(value, StandardCharsets.UTF_8).toCharArray());
  }

  private static String reasonOf(CertificateRead.Problem problem) {
    return switch (problem.reason()) {
      case INVALID_CERTIFICATE -> Reasons.INVALID_CERTIFICATE;
      case WRONG_PASSWORD -> Reasons.WRONG_PASSWORD;
      case NO_PRIVATE_KEY -> Reasons.NO_PRIVATE_KEY;
    };
  }

  private static Problem problem(String reason, String message) {
    return new Problem(new Outcome.UserProblem(reason, message, Optional.empty()));
  }
}
