package io.connectorcert.reconciler;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.CredentialsInfo;
import io.connectorcert.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.Condition;

/**
 * The Kubernetes Events that a status write deserves, from the status it replaced ({@code before}) and the one it
 * wrote ({@code after}): one per upload it records, one per move into a failure reason, one when the certificate in
 * use starts to expire soon. Computed against what the write really replaced, so a transition that is already on the
 * server (another reconcile wrote it) gives no second event.
 */
public final class StatusEvents {

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  public record Event(String type, String reason, String message) {}

  private StatusEvents() {}

  public static List<Event> between(ApiConnectorCertificateStatus before, ApiConnectorCertificateStatus after,
      Outcome outcome, String connectorId) {
    var previous = Optional.ofNullable(before).orElseGet(ApiConnectorCertificateStatus::empty);
    var events = new ArrayList<Event>();
    // an upload is recorded when Graph answered it, or when a read first shows one whose answer was lost
    if (outcome instanceof Outcome.Synced synced && recordsNewUpload(previous, after)) {
      var certificate = synced.secretCertificate();
      events.add(new Event(NORMAL, Reasons.UPLOADED, "Uploaded certificate " + certificate.thumbprint()
          + " (expires " + StatusFactory.format(certificate.notAfter()) + ") to connector " + connectorId));
    }
    var ready = after.condition(ApiConnectorCertificateStatus.READY).orElseThrow();
    if ("False".equals(ready.getStatus())
        && !sameState(previous.condition(ApiConnectorCertificateStatus.READY), ready)) {
      events.add(new Event(WARNING, ready.getReason(), ready.getMessage()));
    }
    var credentials = after.credentials();
    if (credentials != null && CredentialsInfo.SHARED_WORKLOAD_IDENTITY.equals(credentials.kind())
        && !(previous.credentials() != null && credentials.equals(previous.credentials()))) {
      events.add(new Event(WARNING, Reasons.SHARED_WORKLOAD_IDENTITY, "credentials Secret "
          + credentials.secretName() + " uses workloadIdentity: \"true\", the operator's own service account token,"
          + " allowed by ALLOW_SHARED_WORKLOAD_IDENTITY=true: every namespace can act as the operator's identity and "
          + "use any app that trusts it. Replace workloadIdentity with serviceAccountName: <a ServiceAccount in this "
          + "namespace> and add to app " + credentials.clientId() + " a federated credential with subject "
          + "system:serviceaccount:<this namespace>:<that name>"));
    }
    var active = after.condition(ApiConnectorCertificateStatus.ACTIVE);
    if (active.filter(c -> Reasons.EXPIRING_SOON.equals(c.getReason())).isPresent()
        && (!sameState(previous.condition(ApiConnectorCertificateStatus.ACTIVE), active.get())
            || !Objects.equals(previous.activeThumbprint(), after.activeThumbprint()))) {
      events.add(new Event(WARNING, Reasons.EXPIRING_SOON, active.get().getMessage()));
    }
    return events;
  }

  /**
   * The event of a write that records an upload about to be sent: a Warning when it repeats one that Graph's reads
   * never showed within the settle window.
   */
  public static List<Event> ofAttempt(ApiConnectorCertificateStatus before, ApiConnectorCertificateStatus after) {
    var previous = before == null ? null : before.pendingUpload();
    var next = after.pendingUpload();
    if (previous == null || next == null || Objects.equals(previous.time(), next.time())
        || !previous.connectorId().equals(next.connectorId()) || !previous.thumbprint().equals(next.thumbprint())) {
      return List.of();
    }
    return List.of(new Event(WARNING, Reasons.UPLOAD_NOT_VISIBLE, "Certificate " + next.thumbprint()
        + " was uploaded to connector " + next.connectorId() + " at " + previous.time()
        + (Boolean.TRUE.equals(previous.answered()) ? " (Graph answered and listed it)" : " (no answer came back)")
        + ", but Graph's reads still do not show it after the settle window: uploading it again"));
  }

  private static boolean recordsNewUpload(ApiConnectorCertificateStatus before,
      ApiConnectorCertificateStatus after) {
    return after.lastUploadTime() != null
        && !(Objects.equals(before.lastUploadTime(), after.lastUploadTime())
            && Objects.equals(before.uploadedThumbprint(), after.uploadedThumbprint()));
  }

  private static boolean sameState(Optional<Condition> before, Condition now) {
    return before.filter(b -> b.getStatus().equals(now.getStatus()) && b.getReason().equals(now.getReason()))
        .isPresent();
  }
}
