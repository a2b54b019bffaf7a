package io.connectorcert.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.certificate.B2cPkcs12Encoder;
import io.connectorcert.certificate.SecretCertificate;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.credentials.CredentialsSecret;
import io.connectorcert.credentials.GraphRoute;
import io.connectorcert.credentials.GraphRoutes;
import io.connectorcert.graph.ApiConnector;
import io.connectorcert.graph.ConnectorCertificateClient;
import io.connectorcert.graph.ConnectorClients;
import io.connectorcert.graph.GraphFailure;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/**
 * One reconcile: find the certificate the Secret holds, make sure the connector holds it (read first, upload only
 * when missing), and report what Graph says. Decisions live in pure classes; Graph and events are the side effects.
 */
@ControllerConfiguration(name = ApiConnectorCertificateReconciler.NAME)
public class ApiConnectorCertificateReconciler implements Reconciler<ApiConnectorCertificate> {

  public static final String NAME = "apiconnectorcertificate";
  private static final Logger log = LoggerFactory.getLogger(ApiConnectorCertificateReconciler.class);
  /** Graph flips isActive some time after notBefore passes: look again a little later. */
  private static final Duration ACTIVATION_GRACE = Duration.ofSeconds(10);

  private final ConnectorClients clients;
  private final OperatorConfig config;
  private final B2cPkcs12Encoder encoder;
  private final StatusFactory statusFactory;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration resyncInterval;

  public ApiConnectorCertificateReconciler(ConnectorClients clients, OperatorConfig config, B2cPkcs12Encoder encoder,
      StatusFactory statusFactory, EventRecorder events, Clock clock) {
    this.clients = clients;
    this.config = config;
    this.encoder = encoder;
    this.statusFactory = statusFactory;
    this.events = events;
    this.clock = clock;
    this.resyncInterval = config.resyncInterval();
  }

  @Override
  public List<EventSource<?, ApiConnectorCertificate>> prepareEventSources(
      EventSourceContext<ApiConnectorCertificate> context) {
    var primaries = context.getPrimaryCache();
    primaries.addIndexer(SecretMappers.SECRET_INDEX, SecretMappers::secretIndexKeys);
    primaries.addIndexer(ConnectorConflicts.CONNECTOR_INDEX, ConnectorConflicts::connectorIndexKeys);
    var secrets = InformerEventSourceConfiguration.from(Secret.class, ApiConnectorCertificate.class)
        .withSecondaryToPrimaryMapper(secret -> SecretMappers.secretToResources(primaries, secret))
        .withPrimaryToSecondaryMapper(SecretMappers::resourceToSecrets)
        .withNamespacesInheritedFromController();
    // SECRET_LABEL_SELECTOR: cache only the labelled Secrets (an unlabelled one reads as missing)
    config.secretLabelSelector().ifPresent(secrets::withLabelSelector);
    return List.of(new InformerEventSource<>(secrets.build(), context));
  }

  @Override
  public UpdateControl<ApiConnectorCertificate> reconcile(ApiConnectorCertificate resource,
      Context<ApiConnectorCertificate> context) {
    var pass = observeAndSync(resource, context);
    var outcome = pass.outcome();

    var previous = resource.getStatus();
    var status = statusFactory.statusFor(resource, outcome, pass.route());
    StatusEvents.between(previous, status, outcome, resource.getSpec().connectorId())
        .forEach(event -> events.record(resource, event));

    var control = updateIfChanged(resource, status);
    nextLook(status, clock.instant())
        .filter(delay -> delay.compareTo(resyncInterval) < 0)
        .ifPresent(control::rescheduleAfter);
    return control;
  }

  /** What a reconcile found and did, and the route (credential, target) it chose once it got that far. */
  private record Pass(Outcome outcome, Optional<GraphRoute> route) {
    Pass(Outcome outcome) {
      this(outcome, Optional.empty());
    }
  }

  private Pass observeAndSync(ApiConnectorCertificate resource, Context<ApiConnectorCertificate> context) {
    var spec = resource.getSpec();
    var owner = ConnectorConflicts.ownerOtherThan(resource,
        context.getPrimaryCache().byIndex(ConnectorConflicts.CONNECTOR_INDEX, spec.connectorId()));
    if (owner.isPresent()) {
      return new Pass(new Outcome.Conflict(owner.get().getMetadata().getName()));
    }

    var passwordSecretName = spec.passwordSecretRef() == null ? null : spec.passwordSecretRef().name();
    var loaded = SecretMaterial.load(spec, secret(context, spec.secretRef().name()),
        secret(context, passwordSecretName), clock.instant());
    if (loaded instanceof SecretMaterial.Problem problem) {
      return new Pass(problem.problem());
    }
    var certificate = ((SecretMaterial.Ok) loaded).certificate();

    var credentialsRef = spec.credentialsRef() == null ? null : spec.credentialsRef().name();
    var resolved = GraphRoutes.resolve(spec, secret(context, credentialsRef),
        secret(context, CredentialsSecret.NAMESPACE_DEFAULT_NAME), config);
    if (resolved instanceof GraphRoutes.Problem problem) {
      return new Pass(new Outcome.UserProblem(problem.reason(), problem.message(), Optional.of(certificate)));
    }
    var route = ((GraphRoutes.Route) resolved).route();
    return new Pass(sync(clients.clientFor(route), spec.connectorId(), certificate), Optional.of(route));
  }

  /**
   * Reads the connector and uploads only when it lacks the certificate. Every pass reads first, so an upload whose
   * answer was lost (timeout, 504) is never repeated blindly, also across restarts.
   */
  private Outcome sync(ConnectorCertificateClient graph, String connectorId, SecretCertificate certificate) {
    var thumbprint = certificate.thumbprint();
    ApiConnector connector = null;
    try {
      connector = graph.readConnector(connectorId);
      if (connector.holds(thumbprint)) {
        return new Outcome.Synced(certificate, connector, false);
      }
      log.info("Connector {} lacks certificate {}: uploading it", connectorId, thumbprint);
      var answer = graph.uploadCertificate(connectorId, encoder.encode(certificate));
      if (!answer.holds(thumbprint)) {
        return new Outcome.GraphProblem(notInAnswer(connectorId, thumbprint), certificate, Optional.of(answer));
      }
      return new Outcome.Synced(certificate, answer, true);
    } catch (GraphFailure failure) {
      return new Outcome.GraphProblem(failure, certificate, Optional.ofNullable(connector));
    }
  }

  private static GraphFailure notInAnswer(String connectorId, String thumbprint) {
    return new GraphFailure(GraphFailure.Kind.REJECTED, 200, null, null, null, "Graph accepted the upload to connector "
        + connectorId + " but its certificateList does not hold " + thumbprint, null);
  }

  private static Optional<Secret> secret(Context<ApiConnectorCertificate> context, String name) {
    if (name == null) {
      return Optional.empty();
    }
    return context.getSecondaryResourcesAsStream(Secret.class)
        .filter(s -> name.equals(s.getMetadata().getName()))
        .findFirst();
  }

  private static UpdateControl<ApiConnectorCertificate> updateIfChanged(ApiConnectorCertificate resource,
      ApiConnectorCertificateStatus status) {
    if (Objects.equals(resource.getStatus(), status)) {
      log.debug("Status of {} unchanged", resource.getMetadata().getName());
      return UpdateControl.noUpdate();
    }
    var ready = status.condition(ApiConnectorCertificateStatus.READY).orElseThrow();
    log.info("{}: Ready={} {}: {}", resource.getMetadata().getName(), ready.getStatus(), ready.getReason(),
        ready.getMessage());
    resource.setStatus(status);
    return UpdateControl.patchStatus(resource);
  }

  /** A look sooner than the periodic resync: after a transient failure, or to watch a certificate become active. */
  static Optional<Duration> nextLook(ApiConnectorCertificateStatus status, Instant now) {
    var retry = StatusFactory.retryDelay(status, now);
    if (retry.isPresent()) {
      return retry;
    }
    var active = status.condition(ApiConnectorCertificateStatus.ACTIVE);
    if (active.filter(c -> Reasons.NOT_YET_ACTIVE.equals(c.getReason())).isPresent()
        && status.secretCertificate() != null) {
      var notBefore = Instant.parse(status.secretCertificate().notBefore());
      if (notBefore.isAfter(now)) {
        return Optional.of(Duration.between(now, notBefore).plus(ACTIVATION_GRACE));
      }
    }
    return Optional.empty();
  }
}
