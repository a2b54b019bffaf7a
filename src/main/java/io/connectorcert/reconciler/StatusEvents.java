package io.connectorcert.reconciler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.fabric8.kubernetes.api.model.Condition;

/** The Kubernetes Events a status change deserves: one per upload, one per move into a failure reason. */
public final class StatusEvents {

  public static final String NORMAL = "Normal";
  public static final String WARNING = "Warning";

  public record Event(String type, String reason, String message) {}

  private StatusEvents() {}

  public static List<Event> between(ApiConnectorCertificateStatus previous, ApiConnectorCertificateStatus next,
      Outcome outcome, String connectorId) {
    var events = new ArrayList<Event>();
    if (outcome instanceof Outcome.Synced synced && synced.uploaded()) {
      var certificate = synced.secretCertificate();
      events.add(new Event(NORMAL, io.connectorcert.api.v1alpha1.Reasons.UPLOADED,
          "Uploaded certificate " + certificate.thumbprint() + " (expires "
              + StatusFactory.format(certificate.notAfter()) + ") to connector " + connectorId));
    }
    var ready = next.condition(ApiConnectorCertificateStatus.READY).orElseThrow();
    var before = Optional.ofNullable(previous).flatMap(p -> p.condition(ApiConnectorCertificateStatus.READY));
    if ("False".equals(ready.getStatus()) && !sameReason(before, ready)) {
      events.add(new Event(WARNING, ready.getReason(), ready.getMessage()));
    }
    return events;
  }

  private static boolean sameReason(Optional<Condition> before, Condition now) {
    return before.filter(b -> b.getStatus().equals(now.getStatus()) && b.getReason().equals(now.getReason()))
        .isPresent();
  }
}
