package io.connectorcert.reconciler;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * Two resources that name one connector would upload over each other: the first one created keeps the connector,
 * the others wait ({@code ConnectorConflict}). A second, slim informer on the resources themselves is the register of
 * claims: when a resource is deleted or names another connector, it wakes the waiting resources at once, and they
 * read the register from that same informer, so they never judge from a cache that has not seen the change yet.
 */
public final class ConnectorClaims {

  public static final String EVENT_SOURCE = "connector-claims";
  static final String CONNECTOR_INDEX = "connector-id";
  static final String WAITING_INDEX = "waiting";
  private static final String WAITING = "waiting";

  private final InformerEventSource<ApiConnectorCertificate, ApiConnectorCertificate> register;

  private ConnectorClaims(InformerEventSource<ApiConnectorCertificate, ApiConnectorCertificate> register) {
    this.register = register;
  }

  public static ConnectorClaims create(EventSourceContext<ApiConnectorCertificate> context) {
    var self = new ConnectorClaims[1];
    var configuration = InformerEventSourceConfiguration
        .from(ApiConnectorCertificate.class, ApiConnectorCertificate.class)
        .withName(EVENT_SOURCE)
        .withNamespacesInheritedFromController()
        // the register keeps what a claim needs: identity, creation time, connector id, waiting or not
        .withItemStore(new TransformingItemStore<>(ConnectorClaims::slim))
        // a claim changes when a resource appears, goes or names another connector (the indexes follow every change)
        .withOnUpdateFilter((next, previous) -> !Objects.equals(connectorId(next), connectorId(previous)))
        .withSecondaryToPrimaryMapper(changed -> self[0].toWake(changed))
        .build();
    var register = new InformerEventSource<>(configuration, context);
    register.addIndexers(Map.of(
        CONNECTOR_INDEX, ConnectorClaims::connectorIndexKeys,
        WAITING_INDEX, r -> isWaiting(r) ? List.of(WAITING) : List.of()));
    self[0] = new ConnectorClaims(register);
    return self[0];
  }

  public InformerEventSource<ApiConnectorCertificate, ApiConnectorCertificate> eventSource() {
    return register;
  }

  /** The resource that owns {@code resource}'s connector, when it is not {@code resource} itself. */
  public Optional<ApiConnectorCertificate> ownerOtherThan(ApiConnectorCertificate resource) {
    return ownerOtherThan(resource, register.byIndex(CONNECTOR_INDEX, resource.getSpec().connectorId()));
  }

  static Optional<ApiConnectorCertificate> ownerOtherThan(ApiConnectorCertificate resource,
      Collection<ApiConnectorCertificate> sameConnector) {
    return sameConnector.stream()
        .min(FIRST_CREATED)
        .filter(owner -> !owner.getMetadata().getUid().equals(resource.getMetadata().getUid()));
  }

  /**
   * Who must look again when {@code changed} appears, goes or changes its claim: the other resources naming its
   * connector now, and every resource that waits (the connector it named before is not known here).
   */
  Set<ResourceID> toWake(ApiConnectorCertificate changed) {
    var wake = new HashSet<ApiConnectorCertificate>();
    connectorIndexKeys(changed).forEach(id -> wake.addAll(register.byIndex(CONNECTOR_INDEX, id)));
    wake.addAll(register.byIndex(WAITING_INDEX, WAITING));
    var self = ResourceID.fromResource(changed);
    return wake.stream().map(ResourceID::fromResource).filter(id -> !id.equals(self)).collect(Collectors.toSet());
  }

  static List<String> connectorIndexKeys(ApiConnectorCertificate resource) {
    var id = connectorId(resource);
    return id == null ? List.of() : List.of(id);
  }

  private static String connectorId(ApiConnectorCertificate resource) {
    return resource.getSpec() == null ? null : resource.getSpec().connectorId();
  }

  static boolean isWaiting(ApiConnectorCertificate resource) {
    return resource.getStatus() != null && resource.getStatus().condition(ApiConnectorCertificateStatus.READY)
        .filter(c -> Reasons.CONNECTOR_CONFLICT.equals(c.getReason())).isPresent();
  }

  /** Only what a claim needs; the register holds this instead of the whole resource. */
  static ApiConnectorCertificate slim(ApiConnectorCertificate resource) {
    var slim = new ApiConnectorCertificate();
    var metadata = resource.getMetadata();
    slim.setMetadata(new ObjectMetaBuilder().withName(metadata.getName()).withNamespace(metadata.getNamespace())
        .withUid(metadata.getUid()).withCreationTimestamp(metadata.getCreationTimestamp())
        .withResourceVersion(metadata.getResourceVersion()).build());
    slim.setSpec(new ApiConnectorCertificateSpec(connectorId(resource), null, null));
    if (isWaiting(resource)) {
      var ready = resource.getStatus().condition(ApiConnectorCertificateStatus.READY).orElseThrow();
      slim.setStatus(new ApiConnectorCertificateStatus(null, null, null, null, null, null, null, null, null, null,
          null, null, List.of(ready)));
    }
    return slim;
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
