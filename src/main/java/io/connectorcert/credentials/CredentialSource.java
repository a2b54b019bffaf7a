package io.connectorcert.credentials;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** Whose credential a resource's Graph calls use: the operator's own, or one from a credentials Secret. */
public sealed interface CredentialSource {

  String RESOURCE = "Resource";
  String NAMESPACE = "Namespace";
  String OPERATOR = "Operator";

  /** Resource, Namespace or Operator: the scope the credential was found at. */
  String scope();

  /** The cloud the credential names, if it names one. */
  Optional<Cloud> cloud();

  /**
   * True for a credentials Secret with {@code workloadIdentity: "true"}: it federates the operator's own service
   * account token, so the namespace acts with the identity every namespace can use (allowed only with
   * ALLOW_SHARED_WORKLOAD_IDENTITY=true).
   */
  default boolean sharesOperatorIdentity() {
    return false;
  }

  /** The operator-wide credential: environment, workload identity or managed identity. */
  record Operator() implements CredentialSource {
    @Override
    public String scope() {
      return OPERATOR;
    }

    @Override
    public Optional<Cloud> cloud() {
      return Optional.empty();
    }
  }

  enum Kind {
    CLIENT_SECRET,
    CLIENT_CERTIFICATE_PEM,
    CLIENT_CERTIFICATE_PFX,
    /**
     * {@code serviceAccountName}: a token of that ServiceAccount, in the Secret's own namespace, obtained through the
     * TokenRequest API and federated into the app; Entra sees {@code system:serviceaccount:<namespace>:<name>}.
     */
    WORKLOAD_IDENTITY,
    /**
     * {@code workloadIdentity: "true"} (legacy): the operator's own projected token, the same subject for every
     * namespace.
     */
    SHARED_WORKLOAD_IDENTITY
  }

  /**
   * A credential read from a Secret. {@link #identity()} changes whenever the material does, so a rotated secret gets
   * a new credential (and token) at once; {@link #toString()} shows no material.
   */
  record FromSecret(String scope, String namespace, String secretName, String tenantId, String clientId, Kind kind,
      byte[] material, String password, Optional<Cloud> cloud) implements CredentialSource {

    /** For {@link Kind#WORKLOAD_IDENTITY}: the ServiceAccount, in {@link #namespace()}, whose token is federated. */
    public Optional<String> serviceAccountName() {
      return kind == Kind.WORKLOAD_IDENTITY
          ? Optional.of(new String(material, StandardCharsets.UTF_8).trim())
          : Optional.empty();
    }

    @Override
    public boolean sharesOperatorIdentity() {
      return kind == Kind.SHARED_WORKLOAD_IDENTITY;
    }

    /** Names the credential and a digest of its material; safe to use as a cache key, never shown. */
    public String identity() {
      try {
        var digest = MessageDigest.getInstance("SHA-256");
        digest.update((tenantId + "\n" + clientId + "\n" + kind + "\n").getBytes(StandardCharsets.UTF_8));
        digest.update(material);
        digest.update(("\n" + (password == null ? "" : password)).getBytes(StandardCharsets.UTF_8));
        return namespace + "/" + secretName + "#" + HexFormat.of().formatHex(digest.digest());
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof FromSecret other && identity().equals(other.identity()) && scope.equals(other.scope);
    }

    @Override
    public int hashCode() {
      return identity().hashCode();
    }

    @Override
    public String toString() {
      return "FromSecret[" + scope + " " + namespace + "/" + secretName + ", tenant " + tenantId + ", client "
          + clientId + ", " + kind + "]";
    }
  }
}
