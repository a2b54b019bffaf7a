package io.connectorcert.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.ConnectorInfo;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.CredentialsInfo;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.GraphInfo;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.GraphCertificateInfo;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.SecretCertificateInfo;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.certificate.SecretCertificate;
import io.connectorcert.certificate.Thumbprints;
import io.connectorcert.credentials.CredentialSource;
import io.connectorcert.credentials.GraphRoute;
import io.connectorcert.graph.ApiConnector;
import io.connectorcert.graph.ConnectorCertificate;
import io.connectorcert.graph.GraphFailure;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * Builds the status from what a reconcile found: a pure function of (resource, outcome, clock, backoff). Conditions
 * keep their lastTransitionTime while their status stays the same.
 */
public final class StatusFactory {

  private final Clock clock;
  private final Backoff backoff;

  public StatusFactory(Clock clock, Backoff backoff) {
    this.clock = clock;
    this.backoff = backoff;
  }

  public ApiConnectorCertificateStatus statusFor(ApiConnectorCertificate resource, Outcome outcome) {
    return statusFor(resource, outcome, Optional.empty());
  }

  /** The status after a reconcile that got as far as choosing its credential and target ({@code route}). */
  public ApiConnectorCertificateStatus statusFor(ApiConnectorCertificate resource, Outcome outcome,
      Optional<GraphRoute> route) {
    var now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    var previous = Optional.ofNullable(resource.getStatus()).orElseGet(ApiConnectorCertificateStatus::empty);
    var generation = resource.getMetadata().getGeneration();
    var connectorId = resource.getSpec().connectorId();

    var readNow = connectorReadNow(outcome);
    var connector = readNow.map(c -> new ConnectorInfo(c.id(), c.displayName(), c.targetUrl()))
        .orElse(previous.connector());
    var certificates = readNow.map(StatusFactory::certificatesOf).orElse(previous.certificates());
    var activeThumbprint = readNow.map(c -> c.active().map(ConnectorCertificate::thumbprint).orElse(null))
        .orElse(previous.activeThumbprint());
    var lastSyncTime = readNow.isPresent() ? format(now) : previous.lastSyncTime();
    var secretCertificate = outcome.certificate().map(StatusFactory::secretCertificateOf).orElse(null);

    var uploadedThumbprint = previous.uploadedThumbprint();
    var lastUploadTime = previous.lastUploadTime();
    if (outcome instanceof Outcome.Synced synced) {
      var thumbprint = synced.secretCertificate().thumbprint();
      if (synced.uploaded()) {
        lastUploadTime = format(now);
      } else if (!Thumbprints.same(thumbprint, uploadedThumbprint)) {
        lastUploadTime = null; // found on the connector, not uploaded by us
      }
      uploadedThumbprint = thumbprint;
    }

    Integer failedAttempts = null;
    String nextRetryTime = null;
    if (outcome instanceof Outcome.GraphProblem problem && problem.failure().kind() == GraphFailure.Kind.UNAVAILABLE) {
      failedAttempts = Optional.ofNullable(previous.failedAttempts()).orElse(0) + 1;
      nextRetryTime = format(now.plus(backoff.delay(failedAttempts, problem.failure().retryAfter())));
    }

    // a read that failed for a passing cause says nothing new: the connector still holds what it held
    var ready = heldThroughTransientFailure(outcome, previous)
        ? previous.condition(ApiConnectorCertificateStatus.READY).map(StatusFactory::stateOf).orElseThrow()
        : ready(outcome, lastUploadTime, connectorId);
    var active = active(secretCertificate, certificates, activeThumbprint, now);
    var conditions = List.of(
        condition(previous, ApiConnectorCertificateStatus.READY, ready, generation, now),
        condition(previous, ApiConnectorCertificateStatus.ACTIVE, active, generation, now));

    var credentials = route.map(r -> credentialsOf(r.credential())).orElse(previous.credentials());
    var graph = route.map(r -> new GraphInfo(r.target().cloud().name(), r.target().graphEndpoint().toString(),
        r.target().apiVersion())).orElse(previous.graph());
    return new ApiConnectorCertificateStatus(generation, connector, credentials, graph, secretCertificate,
        uploadedThumbprint,
        lastUploadTime, activeThumbprint, certificates, lastSyncTime, failedAttempts, nextRetryTime, conditions);
  }

  /** The delay until the next try that this status asks for, if it asks for one sooner than the periodic resync. */
  public static Optional<Duration> retryDelay(ApiConnectorCertificateStatus status, Instant now) {
    return Optional.ofNullable(status.nextRetryTime())
        .map(Instant::parse)
        .map(next -> Duration.between(now, next))
        .map(d -> d.isNegative() ? Duration.ZERO : d);
  }

  record State(boolean status, String reason, String message) {}

  /**
   * Ready for an outcome. {@code lastUploadTime} is set when this resource uploaded the Secret's certificate: the
   * reason stays Uploaded while the connector holds it, so later syncs do not rewrite the condition.
   */
  static State ready(Outcome outcome, String lastUploadTime, String connectorId) {
    if (outcome instanceof Outcome.Synced synced) {
      var thumbprint = synced.secretCertificate().thumbprint();
      return lastUploadTime != null
          ? new State(true, Reasons.UPLOADED, "Uploaded certificate " + thumbprint + " to connector " + connectorId
              + " at " + lastUploadTime)
          : new State(true, Reasons.IN_SYNC, "Connector " + connectorId + " already held certificate " + thumbprint);
    }
    if (outcome instanceof Outcome.Conflict conflict) {
      return new State(false, Reasons.CONNECTOR_CONFLICT, "ApiConnectorCertificate " + conflict.owner()
          + " was created first for connector " + connectorId + "; this resource uploads nothing while it exists");
    }
    if (outcome instanceof Outcome.UserProblem problem) {
      return new State(false, problem.reason(), problem.message());
    }
    var failure = ((Outcome.GraphProblem) outcome).failure();
    return switch (failure.kind()) {
      case NOT_FOUND -> new State(false, Reasons.CONNECTOR_NOT_FOUND, "Graph has no API connector " + connectorId
          + " (" + failure.getMessage() + "); check spec.connectorId and the tenant");
      case FORBIDDEN -> new State(false, Reasons.FORBIDDEN, "Graph refused access to connector " + connectorId
          + " (" + failure.getMessage() + "): the app needs the APIConnectors.ReadWrite.All application permission "
          + "with admin consent");
      case UNAUTHENTICATED -> new State(false, Reasons.AUTHENTICATION_FAILED,
          "No valid Graph token: " + failure.getMessage());
      case REJECTED -> new State(false, Reasons.GRAPH_REJECTED, failure.getMessage());
      case UNAVAILABLE -> new State(false, Reasons.GRAPH_UNAVAILABLE, failure.getMessage() + "; retrying with backoff");
    };
  }

  static boolean heldThroughTransientFailure(Outcome outcome, ApiConnectorCertificateStatus previous) {
    return outcome instanceof Outcome.GraphProblem problem
        && problem.failure().kind() == GraphFailure.Kind.UNAVAILABLE
        && previous.condition(ApiConnectorCertificateStatus.READY).filter(c -> "True".equals(c.getStatus())).isPresent()
        && previous.certificates().stream()
            .anyMatch(c -> Thumbprints.same(c.thumbprint(), problem.secretCertificate().thumbprint()));
  }

  private static State stateOf(Condition condition) {
    return new State("True".equals(condition.getStatus()), condition.getReason(), condition.getMessage());
  }

  static State active(SecretCertificateInfo secretCertificate, List<GraphCertificateInfo> certificates,
      String activeThumbprint, Instant now) {
    if (secretCertificate == null) {
      return new State(false, Reasons.NOT_UPLOADED, "No certificate could be read from the Secret");
    }
    var thumbprint = secretCertificate.thumbprint();
    var held = certificates.stream().filter(c -> Thumbprints.same(c.thumbprint(), thumbprint)).findFirst();
    if (held.isEmpty()) {
      return new State(false, Reasons.NOT_UPLOADED, "The connector does not hold certificate " + thumbprint);
    }
    if (Boolean.TRUE.equals(held.get().isActive())) {
      return new State(true, Reasons.ACTIVE, "Graph marks certificate " + thumbprint + " active");
    }
    var notBefore = Instant.parse(secretCertificate.notBefore());
    var why = notBefore.isAfter(now)
        ? "its notBefore " + secretCertificate.notBefore() + " is still ahead"
        : "its notBefore has passed; Graph keeps " + (activeThumbprint == null ? "no certificate" : activeThumbprint)
            + " active";
    return new State(false, Reasons.NOT_YET_ACTIVE, "The connector holds certificate " + thumbprint
        + " but it is not active: " + why);
  }

  static Condition condition(ApiConnectorCertificateStatus previous, String type, State state, Long generation,
      Instant now) {
    var status = state.status() ? "True" : "False";
    var transition = previous.condition(type)
        .filter(c -> status.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .orElse(format(now));
    return new Condition(transition, state.message(), generation, state.reason(), status, type);
  }

  private static Optional<ApiConnector> connectorReadNow(Outcome outcome) {
    if (outcome instanceof Outcome.Synced synced) {
      return Optional.of(synced.connector());
    }
    if (outcome instanceof Outcome.GraphProblem problem) {
      return problem.connector();
    }
    return Optional.empty();
  }

  private static List<GraphCertificateInfo> certificatesOf(ApiConnector connector) {
    var result = new ArrayList<GraphCertificateInfo>();
    for (var c : connector.certificates()) {
      result.add(new GraphCertificateInfo(c.thumbprint(), formatNullable(c.notBefore()),
          formatNullable(c.notAfter()), c.active()));
    }
    return result;
  }

  private static CredentialsInfo credentialsOf(CredentialSource source) {
    if (source instanceof CredentialSource.FromSecret fromSecret) {
      return new CredentialsInfo(fromSecret.scope(), fromSecret.secretName(), fromSecret.tenantId(),
          fromSecret.clientId());
    }
    return new CredentialsInfo(source.scope(), null, null, null);
  }

  static SecretCertificateInfo secretCertificateOf(SecretCertificate certificate) {
    return new SecretCertificateInfo(certificate.thumbprint(), certificate.subject(),
        format(certificate.notBefore()), format(certificate.notAfter()));
  }

  static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String formatNullable(Instant instant) {
    return instant == null ? null : format(instant);
  }
}
