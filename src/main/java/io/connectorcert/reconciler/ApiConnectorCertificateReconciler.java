package io.connectorcert.reconciler;

import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.certificate.B2cPkcs12Encoder;
import io.connectorcert.certificate.SecretCertificate;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.credentials.CredentialsSecret;
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
 * when missing), write what Graph says into the status (only when it changed), then record the events of that
 * write. Decisions live in pure classes; Graph, the status write and events are the side effects.
 */
@ControllerConfiguration(name = ApiConnectorCertificateReconciler.NAME)
public class ApiConnectorCertificateReconciler implements Reconciler<ApiConnectorCertificate> {

  public static final String NAME = "apiconnectorcertificate";
  private static final Logger log = LoggerFactory.getLogger(ApiConnectorCertificateReconciler.class);

  private final ConnectorClients clients;
  private final OperatorConfig config;
  private final B2cPkcs12Encoder encoder;
  private final StatusFactory statusFactory;
  private final EventRecorder events;
  private final Clock clock;
  /** The register of who keeps which connector; made with the event sources. */
  private ConnectorClaims claims;

  public ApiConnectorCertificateReconciler(ConnectorClients clients, OperatorConfig config, B2cPkcs12Encoder encoder,
      StatusFactory statusFactory, EventRecorder events, Clock clock) {
    this.clients = clients;
    this.config = config;
    this.encoder = encoder;
    this.statusFactory = statusFactory;
    this.events = events;
    this.clock = clock;
  }

  @Override
  public List<EventSource<?, ApiConnectorCertificate>> prepareEventSources(
      EventSourceContext<ApiConnectorCertificate> context) {
    var primaries = context.getPrimaryCache();
    primaries.addIndexer(SecretMappers.SECRET_INDEX, SecretMappers::secretIndexKeys);
    var secrets = InformerEventSourceConfiguration.from(Secret.class, ApiConnectorCertificate.class)
        .withSecondaryToPrimaryMapper(secret -> SecretMappers.secretToResources(primaries, secret))
        .withPrimaryToSecondaryMapper(SecretMappers::resourceToSecrets)
        .withNamespacesInheritedFromController();
    // SECRET_LABEL_SELECTOR: cache only the labelled Secrets (an unlabelled one reads as missing)
    config.secretLabelSelector().ifPresent(secrets::withLabelSelector);
    claims = ConnectorClaims.create(context);
    return List.of(new InformerEventSource<>(secrets.build(), context), claims.eventSource());
  }

  @Override
  public UpdateControl<ApiConnectorCertificate> reconcile(ApiConnectorCertificate resource,
      Context<ApiConnectorCertificate> context) {
    var observation = observeAndSync(resource, context);

    var written = StatusWrites.write(resource, context, copy -> statusFactory.statusFor(copy, observation));
    if (written.changed()) {
      var ready = written.after().condition(ApiConnectorCertificateStatus.READY).orElseThrow();
      log.info("{}: Ready={} {}: {}", resource.getMetadata().getName(), ready.getStatus(), ready.getReason(),
          ready.getMessage());
    }
    // after the write that records them, and against what it replaced: once per transition
    StatusEvents.between(written.before(), written.after(), observation.outcome(), resource.getSpec().connectorId())
        .forEach(event -> events.record(resource, event));

    var control = UpdateControl.<ApiConnectorCertificate>noUpdate();
    StatusFactory.nextLook(written.after(), clock.instant(), config.expiryWarning())
        .filter(delay -> delay.compareTo(config.resyncInterval()) < 0)
        .ifPresent(control::rescheduleAfter);
    return control;
  }

  private Observation observeAndSync(ApiConnectorCertificate resource, Context<ApiConnectorCertificate> context) {
    var spec = resource.getSpec();
    var owner = claims.ownerOtherThan(resource);
    if (owner.isPresent()) {
      var sameNamespace = Objects.equals(owner.get().getMetadata().getNamespace(),
          resource.getMetadata().getNamespace());
      return new Observation(new Outcome.Conflict(sameNamespace
          ? Optional.of(owner.get().getMetadata().getName()) : Optional.empty()));
    }

    var passwordSecretName = spec.passwordSecretRef() == null ? null : spec.passwordSecretRef().name();
    var loaded = SecretMaterial.load(spec, secret(context, spec.secretRef().name()),
        secret(context, passwordSecretName), clock.instant());
    if (loaded instanceof SecretMaterial.Problem problem) {
      return new Observation(problem.problem());
    }
    var ok = (SecretMaterial.Ok) loaded;
    var certificate = ok.certificate();
    var key = Optional.of(ok.key());

    var credentialsRef = spec.credentialsRef() == null ? null : spec.credentialsRef().name();
    var resolved = GraphRoutes.resolve(spec, secret(context, credentialsRef),
        secret(context, CredentialsSecret.NAMESPACE_DEFAULT_NAME), config);
    if (resolved instanceof GraphRoutes.Problem problem) {
      return new Observation(new Outcome.UserProblem(problem.reason(), problem.message(), Optional.of(certificate)),
          Optional.empty(), key);
    }
    var route = ((GraphRoutes.Route) resolved).route();
    return new Observation(sync(clients.clientFor(route), spec.connectorId(), certificate), Optional.of(route), key);
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
}
