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
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.GraphCertificateInfo;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.GraphInfo;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.SecretCertificateInfo;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.certificate.SecretCertificate;
import io.connectorcert.certificate.Thumbprints;
import io.connectorcert.credentials.CredentialSource;
import io.connectorcert.graph.ApiConnector;
import io.connectorcert.graph.ConnectorCertificate;
import io.connectorcert.graph.GraphFailure;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * Builds the status from what a reconcile found: a pure function of (resource, observation, clock, backoff, expiry
 * warning). It holds nothing that changes by itself over time, so an unchanged world gives an equal status and no
 * write. Conditions keep their lastTransitionTime while their status stays the same.
 */
public final class StatusFactory {

  /** Graph flips isActive some time after a certificate's notBefore passes: judge only after this much more. */
  static final Duration ACTIVATION_GRACE = Duration.ofSeconds(10);

  /** While an upload is pending, Graph is read again this often to see it. */
  static final Duration SETTLE_RECHECK = Duration.ofSeconds(15);

  private final Clock clock;
  private final Backoff backoff;
  private final Duration expiryWarning;
  private final Duration settleWindow;

  public StatusFactory(Clock clock, Backoff backoff, Duration expiryWarning, Duration settleWindow) {
    this.clock = clock;
    this.backoff = backoff;
    this.expiryWarning = expiryWarning;
    this.settleWindow = settleWindow;
  }

  public ApiConnectorCertificateStatus statusFor(ApiConnectorCertificate resource, Outcome outcome) {
    return statusFor(resource, new Observation(outcome));
  }

  public ApiConnectorCertificateStatus statusFor(ApiConnectorCertificate resource, Observation observation) {
    var now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    var outcome = observation.outcome();
    var previous = Optional.ofNullable(resource.getStatus()).orElseGet(ApiConnectorCertificateStatus::empty);
    var generation = resource.getMetadata().getGeneration();
    var connectorId = resource.getSpec().connectorId();
    // what the status knew of a connector the spec no longer names is forgotten
    var known = aboutConnector(previous, connectorId) ? previous : forgetConnector(previous);

    var readNow = connectorReadNow(outcome);
    var connector = readNow.map(c -> new ConnectorInfo(c.id(), c.displayName(), c.targetUrl()))
        .orElse(known.connector());
    var certificates = readNow.map(StatusFactory::certificatesOf).orElse(known.certificates());
    var activeThumbprint = readNow.map(c -> c.active().map(ConnectorCertificate::thumbprint).orElse(null))
        .orElse(known.activeThumbprint());
    var secretCertificate = outcome.certificate()
        .map(c -> secretCertificateOf(c, observation.certificateKey().orElse(null))).orElse(null);

    var uploadedThumbprint = known.uploadedThumbprint();
    var lastUploadTime = known.lastUploadTime();
    if (outcome instanceof Outcome.Synced synced) {
      var thumbprint = synced.secretCertificate().thumbprint();
      var ours = known.pendingUpload();
      if (synced.uploaded()) {
        lastUploadTime = observation.pendingUpload() != null ? observation.pendingUpload().time() : format(now);
      } else if (ours != null && Thumbprints.same(ours.thumbprint(), thumbprint)) {
        // a read now shows our own upload; its answer may have been lost
        lastUploadTime = Boolean.TRUE.equals(ours.answered()) && lastUploadTime != null ? lastUploadTime : ours.time();
      } else if (!Thumbprints.same(thumbprint, uploadedThumbprint)) {
        lastUploadTime = null; // found on the connector, not uploaded by us
      }
      uploadedThumbprint = thumbprint;
    }

    var transient_ = isTransient(outcome);
    Integer failedAttempts = null;
    String nextRetryTime = null;
    if (transient_) {
      var failure = ((Outcome.GraphProblem) outcome).failure();
      // failures Graph named a time for (Retry-After) wait that time and do not grow the operator's own backoff
      var before = Optional.ofNullable(previous.failedAttempts()).orElse(0);
      failedAttempts = failure.retryAfter().isPresent() ? Math.max(before, 1) : before + 1;
      nextRetryTime = format(now.plus(backoff.delay(failedAttempts, failure.retryAfter())));
    }

    // a read that failed for a passing cause says nothing new: the connector still holds what it held
    var ready = heldThroughTransientFailure(outcome, known)
        ? known.condition(ApiConnectorCertificateStatus.READY).map(StatusFactory::stateOf).orElseThrow()
        : ready(outcome, lastUploadTime, connectorId, now, settleWindow);
    var active = active(secretCertificate, certificates, activeThumbprint, now, expiryWarning);

    var conditions = new ArrayList<Condition>();
    conditions.add(condition(previous, ApiConnectorCertificateStatus.READY, ready, generation, now));
    conditions.add(condition(previous, ApiConnectorCertificateStatus.ACTIVE, active, generation, now));
    // kstatus: abnormal-true conditions, present only while true
    if (outcome instanceof Outcome.Settling && !ready.status()) {
      conditions.add(condition(previous, ApiConnectorCertificateStatus.RECONCILING,
          new State(true, ready.reason(), ready.message()), generation, now));
    } else if (transient_) {
      conditions.add(condition(previous, ApiConnectorCertificateStatus.RECONCILING, new State(true,
          Reasons.GRAPH_UNAVAILABLE, "Retrying at " + nextRetryTime + " after " + failedAttempts
              + " failed attempt(s): " + ((Outcome.GraphProblem) outcome).failure().getMessage()),
          generation, now));
    } else if (!ready.status()) {
      conditions.add(condition(previous, ApiConnectorCertificateStatus.STALLED,
          new State(true, ready.reason(), ready.message()), generation, now));
    }

    var credentials = observation.route().map(r -> credentialsOf(r.credential())).orElse(previous.credentials());
    var graph = observation.route().map(r -> new GraphInfo(r.target().cloud().name(),
        r.target().graphEndpoint().toString(), r.target().apiVersion())).orElse(previous.graph());
    return new ApiConnectorCertificateStatus(generation, connector, credentials, graph, secretCertificate,
        uploadedThumbprint, lastUploadTime, activeThumbprint, certificates, observation.pendingUpload(),
        failedAttempts, nextRetryTime, conditions);
  }

  /** The delay until the next try that this status asks for, if it asks for one. */
  public static Optional<Duration> retryDelay(ApiConnectorCertificateStatus status, Instant now) {
    return Optional.ofNullable(status.nextRetryTime())
        .map(Instant::parse)
        .map(next -> Duration.between(now, next))
        .map(d -> d.isNegative() ? Duration.ZERO : d);
  }

  /**
   * When this status should be looked at again although nothing changes in the cluster: the retry after a transient
   * failure, a certificate becoming valid, and the moments a certificate (the Secret's, or the one Graph uses) enters
   * its expiry warning and expires.
   */
  public static Optional<Duration> nextLook(ApiConnectorCertificateStatus status, Instant now,
      Duration expiryWarning, Duration settleWindow) {
    var retry = retryDelay(status, now);
    if (retry.isPresent()) {
      return retry;
    }
    var moments = new ArrayList<Instant>();
    // an upload whose answer was lost, that Graph's reads do not show yet: read again soon, and at the end of the
    // settle window (an answered one needs no extra read: the next one, whenever it comes, confirms it)
    Optional.ofNullable(status.pendingUpload()).filter(p -> !Boolean.TRUE.equals(p.answered())).ifPresent(pending -> {
      moments.add(now.plus(SETTLE_RECHECK));
      moments.add(Instant.parse(pending.time()).plus(settleWindow).plusSeconds(1));
    });
    var secret = status.secretCertificate();
    if (secret != null) {
      // a held certificate that Graph does not use yet: look when it should (its notBefore, and Graph's grace)
      if (status.condition(ApiConnectorCertificateStatus.ACTIVE)
          .filter(c -> Reasons.NOT_YET_ACTIVE.equals(c.getReason())).isPresent()) {
        moments.add(Instant.parse(secret.notBefore()).plus(ACTIVATION_GRACE));
      }
      moments.add(Instant.parse(secret.notAfter()).minus(expiryWarning));
      moments.add(Instant.parse(secret.notAfter()).plusSeconds(1));
    }
    status.certificates().stream()
        .filter(c -> Boolean.TRUE.equals(c.isActive()) && c.notAfter() != null)
        .forEach(c -> {
          moments.add(Instant.parse(c.notAfter()).minus(expiryWarning));
          moments.add(Instant.parse(c.notAfter()).plusSeconds(1));
        });
    return moments.stream().filter(now::isBefore).min(Instant::compareTo).map(at -> Duration.between(now, at));
  }

  record State(boolean status, String reason, String message) {}

  /**
   * Ready for an outcome: True when the connector holds the Secret's certificate and uses it, or will at its
   * notBefore. {@code lastUploadTime} is set when this resource uploaded the certificate to this connector: the reason
   * stays Uploaded while the connector holds it, so later syncs do not rewrite the condition.
   */
  static State ready(Outcome outcome, String lastUploadTime, String connectorId, Instant now,
      Duration settleWindow) {
    if (outcome instanceof Outcome.Settling settling) {
      var pending = settling.pending();
      var thumbprint = settling.secretCertificate().thumbprint();
      if (Boolean.TRUE.equals(pending.answered())) {
        // Graph's answer to the upload listed it: trust the write's answer over a read that lags it
        return new State(true, Reasons.UPLOADED, "Uploaded certificate " + thumbprint + " to connector " + connectorId
            + " at " + (lastUploadTime != null ? lastUploadTime : pending.time()));
      }
      return new State(false, Reasons.UPLOAD_UNCONFIRMED, "The upload of certificate " + thumbprint + " to connector "
          + connectorId + " at " + pending.time() + " got no answer, and Graph's reads do not show it yet (they may "
          + "lag its writes). The operator reads again and uploads it again only if the reads still lack it at "
          + format(Instant.parse(pending.time()).plus(settleWindow)));
    }
    if (outcome instanceof Outcome.Synced synced) {
      var thumbprint = synced.secretCertificate().thumbprint();
      var usedInstead = supersededBy(synced.secretCertificate(), synced.connector(), now);
      if (usedInstead.isPresent()) {
        return new State(false, Reasons.SUPERSEDED, "Connector " + connectorId + " holds the Secret's certificate "
            + thumbprint + ", but Graph marks certificate " + usedInstead.get().thumbprint() + " active, so B2C sends"
            + " that one (it was uploaded after the Secret's, or the Secret went back to an older certificate). The"
            + " operator does not upload " + thumbprint + " again: Graph would list it twice. To have B2C send the "
            + "Secret's certificate, renew it (cert-manager: cmctl renew <certificate>) and the new one is uploaded;"
            + " to keep " + usedInstead.get().thumbprint() + ", put that certificate in the Secret");
      }
      return lastUploadTime != null
          ? new State(true, Reasons.UPLOADED, "Uploaded certificate " + thumbprint + " to connector " + connectorId
              + " at " + lastUploadTime)
          : new State(true, Reasons.IN_SYNC, "Connector " + connectorId + " already held certificate " + thumbprint);
    }
    if (outcome instanceof Outcome.Conflict conflict) {
      var owner = conflict.sameNamespaceOwner().map(name -> "ApiConnectorCertificate " + name)
          .orElse("A resource in another namespace");
      return new State(false, Reasons.CONNECTOR_CONFLICT, owner + " was created first for connector " + connectorId
          + "; this resource uploads nothing while it names the connector, and takes over at once when it no "
          + "longer does");
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
      // a missing ServiceAccount is the credentials Secret's mistake, not Entra's refusal
      case UNAUTHENTICATED -> failure.errorCode().filter(GraphFailure.SERVICE_ACCOUNT_NOT_FOUND::equals).isPresent()
          ? new State(false, Reasons.INVALID_CREDENTIALS, "No valid Graph token: " + failure.getMessage())
          : new State(false, Reasons.AUTHENTICATION_FAILED, "No valid Graph token: " + failure.getMessage());
      case REJECTED -> new State(false, Reasons.GRAPH_REJECTED, failure.getMessage());
      case UNAVAILABLE -> new State(false, Reasons.GRAPH_UNAVAILABLE, failure.getMessage() + "; retrying with backoff");
    };
  }

  /**
   * The certificate B2C uses instead of the Secret's: Graph marks another one active although the Secret's is held
   * and its notBefore has passed (with Graph's grace).
   */
  static Optional<ConnectorCertificate> supersededBy(SecretCertificate certificate, ApiConnector connector,
      Instant now) {
    var held = connector.certificate(certificate.thumbprint());
    if (held.isEmpty() || held.get().active() || now.isBefore(certificate.notBefore().plus(ACTIVATION_GRACE))) {
      return Optional.empty();
    }
    return connector.active();
  }

  static boolean isTransient(Outcome outcome) {
    return outcome instanceof Outcome.GraphProblem problem
        && problem.failure().kind() == GraphFailure.Kind.UNAVAILABLE;
  }

  static boolean heldThroughTransientFailure(Outcome outcome, ApiConnectorCertificateStatus previous) {
    return isTransient(outcome)
        && previous.condition(ApiConnectorCertificateStatus.READY).filter(c -> "True".equals(c.getStatus())).isPresent()
        && previous.certificates().stream().anyMatch(c -> Thumbprints.same(c.thumbprint(),
            ((Outcome.GraphProblem) outcome).secretCertificate().thumbprint()));
  }

  private static State stateOf(Condition condition) {
    return new State("True".equals(condition.getStatus()), condition.getReason(), condition.getMessage());
  }

  static State active(SecretCertificateInfo secretCertificate, List<GraphCertificateInfo> certificates,
      String activeThumbprint, Instant now, Duration expiryWarning) {
    if (secretCertificate == null) {
      return new State(false, Reasons.NOT_UPLOADED, "No certificate could be read from the Secret");
    }
    var thumbprint = secretCertificate.thumbprint();
    var held = certificates.stream().filter(c -> Thumbprints.same(c.thumbprint(), thumbprint)).findFirst();
    if (held.isEmpty()) {
      return new State(false, Reasons.NOT_UPLOADED, "The connector does not hold certificate " + thumbprint);
    }
    if (Boolean.TRUE.equals(held.get().isActive())) {
      var notAfter = Instant.parse(secretCertificate.notAfter());
      var laterOne = certificates.stream()
          .anyMatch(c -> c.notAfter() != null && Instant.parse(c.notAfter()).isAfter(notAfter));
      if (!laterOne && !now.isBefore(notAfter.minus(expiryWarning))) {
        return new State(true, Reasons.EXPIRING_SOON, "Graph marks certificate " + thumbprint + " active; it expires"
            + " at " + secretCertificate.notAfter() + " and the connector holds no certificate that lasts longer: "
            + "renew the Secret's certificate (cert-manager renews it renewBefore its expiry)");
      }
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

  /** Whether the connector facts in {@code status} are about {@code connectorId} (or there are none). */
  static boolean aboutConnector(ApiConnectorCertificateStatus status, String connectorId) {
    return status.connector() == null ? status.uploadedThumbprint() == null
        : connectorId.equalsIgnoreCase(status.connector().id());
  }

  /**
   * The status without what it knew of a connector: what was uploaded there, when, its list, its active one, the
   * upload pending there.
   */
  private static ApiConnectorCertificateStatus forgetConnector(ApiConnectorCertificateStatus status) {
    return new ApiConnectorCertificateStatus(status.observedGeneration(), null, status.credentials(), status.graph(),
        status.secretCertificate(), null, null, null, null, null, status.failedAttempts(), status.nextRetryTime(),
        status.conditions().stream()
            .filter(c -> !ApiConnectorCertificateStatus.READY.equals(c.getType())).toList());
  }

  /** The connector as this reconcile read it, when that read is news (a read that lags a pending upload is not). */
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
      var kind = switch (fromSecret.kind()) {
        case CLIENT_SECRET -> "ClientSecret";
        case CLIENT_CERTIFICATE_PEM, CLIENT_CERTIFICATE_PFX -> "ClientCertificate";
        case WORKLOAD_IDENTITY -> "WorkloadIdentity";
        case SHARED_WORKLOAD_IDENTITY -> CredentialsInfo.SHARED_WORKLOAD_IDENTITY;
      };
      return new CredentialsInfo(fromSecret.scope(), fromSecret.secretName(), fromSecret.tenantId(),
          fromSecret.clientId(), kind);
    }
    return new CredentialsInfo(source.scope(), null, null, null, null);
  }

  static SecretCertificateInfo secretCertificateOf(SecretCertificate certificate, String key) {
    return new SecretCertificateInfo(certificate.thumbprint(), certificate.subject(),
        format(certificate.notBefore()), format(certificate.notAfter()), key);
  }

  static String format(Instant instant) {
    return instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String formatNullable(Instant instant) {
    return instant == null ? null : format(instant);
  }
}
