package io.connectorcert.reconciler;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;

/**
 * Two resources that name one connector would upload over each other. The first one created keeps the connector; the
 * others stand aside.
 */
public final class ConnectorConflicts {

  public static final String CONNECTOR_INDEX = "connector-id";

  private ConnectorConflicts() {}

  public static List<String> connectorIndexKeys(ApiConnectorCertificate resource) {
    var spec = resource.getSpec();
    return spec == null || spec.connectorId() == null ? List.of() : List.of(spec.connectorId());
  }

  /** The resource that owns the connector when it is not {@code resource} itself. */
  public static Optional<ApiConnectorCertificate> ownerOtherThan(ApiConnectorCertificate resource,
      Collection<ApiConnectorCertificate> sameConnector) {
    return sameConnector.stream()
        .min(FIRST_CREATED)
        .filter(owner -> !owner.getMetadata().getUid().equals(resource.getMetadata().getUid()));
  }

  /** Creation time, then namespace and name, so every replica picks the same owner. */
  static final Comparator<ApiConnectorCertificate> FIRST_CREATED = Comparator
      .comparing((ApiConnectorCertificate r) -> created(r))
      .thenComparing(r -> r.getMetadata().getNamespace())
      .thenComparing(r -> r.getMetadata().getName());

  private static Instant created(ApiConnectorCertificate resource) {
    var timestamp = resource.getMetadata().getCreationTimestamp();
    return timestamp == null ? Instant.MAX : Instant.parse(timestamp);
  }
}
