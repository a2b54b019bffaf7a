package io.connectorcert.reconciler;

import java.util.Optional;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.certificate.SecretCertificate;
import io.connectorcert.graph.ApiConnector;
import io.connectorcert.graph.GraphFailure;

/** What one reconcile found and did: the single input of the status factory. */
public sealed interface Outcome {

  /** The certificate the Secret holds, when one could be read. */
  Optional<SecretCertificate> certificate();

  /**
   * Another resource, created earlier, already keeps this connector. {@code sameNamespaceOwner} names it when it
   * lives in this resource's namespace; a resource of another namespace is never named.
   */
  record Conflict(Optional<String> sameNamespaceOwner) implements Outcome {
    @Override
    public Optional<SecretCertificate> certificate() {
      return Optional.empty();
    }
  }

  /** The user's to fix: a missing Secret or key, a bad .pfx, a wrong password, an expired certificate. */
  record UserProblem(String reason, String message, Optional<SecretCertificate> certificate) implements Outcome {}

  /** Graph failed or refused; the connector as last read, if this reconcile got that far. */
  record GraphProblem(GraphFailure failure, SecretCertificate secretCertificate, Optional<ApiConnector> connector)
      implements Outcome {
    @Override
    public Optional<SecretCertificate> certificate() {
      return Optional.of(secretCertificate);
    }
  }

  /**
   * Graph's reads do not show the Secret's certificate, but this resource uploaded or tried to upload it within the
   * settle window ({@code pending}): Entra's reads may lag its writes, so nothing is posted again yet.
   */
  record Settling(SecretCertificate secretCertificate, ApiConnector connector,
      ApiConnectorCertificateStatus.PendingUpload pending) implements Outcome {
    @Override
    public Optional<SecretCertificate> certificate() {
      return Optional.of(secretCertificate);
    }
  }

  /** Graph holds the Secret's certificate: {@code uploaded} says whether this reconcile put it there. */
  record Synced(SecretCertificate secretCertificate, ApiConnector connector, boolean uploaded) implements Outcome {
    @Override
    public Optional<SecretCertificate> certificate() {
      return Optional.of(secretCertificate);
    }
  }
}
