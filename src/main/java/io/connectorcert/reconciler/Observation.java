package io.connectorcert.reconciler;

import java.util.Optional;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.PendingUpload;
import io.connectorcert.credentials.GraphRoute;

/**
 * What one reconcile found and did: the outcome, the route (credential and target) it chose once it got that far,
 * where in the Secret the certificate was read, and the upload that Graph's reads do not show yet after this
 * reconcile ({@code null}: none). The single input of the status factory besides the resource.
 */
public record Observation(Outcome outcome, Optional<GraphRoute> route, Optional<String> certificateKey,
    PendingUpload pendingUpload) {

  public Observation(Outcome outcome) {
    this(outcome, Optional.empty(), Optional.empty(), null);
  }
}
