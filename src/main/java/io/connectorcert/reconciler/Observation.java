package io.connectorcert.reconciler;

import java.util.Optional;

import io.connectorcert.credentials.GraphRoute;

/**
 * What one reconcile found and did: the outcome, the route (credential and target) it chose once it got that far,
 * and where in the Secret the certificate was read. The single input of the status factory besides the resource.
 */
public record Observation(Outcome outcome, Optional<GraphRoute> route, Optional<String> certificateKey) {

  public Observation(Outcome outcome) {
    this(outcome, Optional.empty(), Optional.empty());
  }
}
