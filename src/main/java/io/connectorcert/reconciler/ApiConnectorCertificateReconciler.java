package io.connectorcert.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.PendingUpload;
import io.connectorcert.certificate.B2cPkcs12Encoder;
import io.connectorcert.certificate.SecretCertificate;
import io.connectorcert.certificate.Thumbprints;
import io.connectorcert.config.OperatorConfig;
import com.azure.core.exception.ClientAuthenticationException;
import com.microsoft.aad.msal4j.MsalException;

import io.connectorcert.credentials.CredentialsSecret;
import io.connectorcert.credentials.ServiceAccountTokenException;
import io.connectorcert.credentials.GraphRoutes;
import io.connectorcert.graph.ApiConnector;
import io.connectorcert.graph.ConnectorCertificateClient;
import io.connectorcert.graph.ConnectorClients;
import io.connectorcert.graph.GraphFailure;
import io.connectorcert.graph.GraphTraffic;
import io.connectorcert.kube.SecretContents;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;

/**
 * One reconcile: find the certificate the Secret holds, make sure the connector holds it (read first, upload only
 * when missing), write what Graph says into the status (only when it changed), then record the events of that
 * write. Decisions live in pure classes; Graph, the status write and events are the side effects.
 */
@ControllerConfiguration(name = ApiConnectorCertificateReconciler.NAME)
public class ApiConnectorCertificateReconciler implements Reconciler<ApiConnectorCertificate> {

  public static final String NAME = "apiconnectorcertificate";
  private static final Logger log = LoggerFactory.getLogger(ApiConnectorCertificateReconciler.class);
  /** How long a successful sync stands for passes that change none of its inputs (at most half the resync). */
  private static final Duration RECENT = Duration.ofSeconds(30);

  private final ConnectorClients clients;
  private final OperatorConfig config;
  private final B2cPkcs12Encoder encoder;
  private final StatusFactory statusFactory;
  private final EventRecorder events;
  private final Clock clock;
  private final LeadershipCheck leadership;
  private final SecretContents secretContents;
  private final RecentSyncs recentSyncs = new RecentSyncs();
  /** The register of who keeps which connector; made with the event sources. */
  private ConnectorClaims claims;

  public ApiConnectorCertificateReconciler(ConnectorClients clients, OperatorConfig config, B2cPkcs12Encoder encoder,
      StatusFactory statusFactory, EventRecorder events, Clock clock, LeadershipCheck leadership,
      SecretContents secretContents) {
    this.clients = clients;
    this.config = config;
    this.encoder = encoder;
    this.statusFactory = statusFactory;
    this.events = events;
    this.clock = clock;
    this.leadership = leadership;
    this.secretContents = secretContents;
  }

  @Override
  public List<EventSource<?, ApiConnectorCertificate>> prepareEventSources(
      EventSourceContext<ApiConnectorCertificate> context) {
    var primaries = context.getPrimaryCache();
    primaries.addIndexer(SecretMappers.SECRET_INDEX, SecretMappers::secretIndexKeys);
    var secrets = InformerEventSourceConfiguration.from(Secret.class, ApiConnectorCertificate.class)
        .withSecondaryToPrimaryMapper(secret -> SecretMappers.secretToResources(primaries, secret))
        .withPrimaryToSecondaryMapper(SecretMappers::resourceToSecrets)
        .withNamespacesInheritedFromController()
        // every watched Secret's metadata only: unrelated Secrets cost no memory for their data
        .withItemStore(new TransformingItemStore<>(SecretContents.METADATA_ONLY));
    // SECRET_LABEL_SELECTOR: cache only the labelled Secrets (an unlabelled one reads as missing)
    config.secretLabelSelector().ifPresent(secrets::withLabelSelector);
    claims = ConnectorClaims.create(context);
    return List.of(new InformerEventSource<>(secrets.build(), context), claims.eventSource());
  }

  @Override
  public UpdateControl<ApiConnectorCertificate> reconcile(ApiConnectorCertificate resource,
      Context<ApiConnectorCertificate> context) {
    var current = new AtomicReference<>(resource);
    var uid = resource.getMetadata().getUid();
    var owner = claims.ownerOtherThan(resource);
    var inputs = inputsOf(resource, context, owner);
    var started = clock.instant();
    if (recentSyncs.stands(uid, inputs, started)) {
      log.debug("{} synced moments ago with the same spec and Secrets: Graph is not read again",
          resource.getMetadata().getName());
      return lookAgain(resource.getStatus(), started);
    }
    var observation = observeAndSync(resource, context, owner,
        attempt -> recordAttempt(current, context, attempt));

    var written = StatusWrites.write(current.get(), context, copy -> statusFactory.statusFor(copy, observation));
    if (written.changed()) {
      var ready = written.after().condition(ApiConnectorCertificateStatus.READY).orElseThrow();
      log.info("{}: Ready={} {}: {}", resource.getMetadata().getName(), ready.getStatus(), ready.getReason(),
          ready.getMessage());
    }
    // after the write that records them, and against what it replaced: once per transition
    StatusEvents.between(written.before(), written.after(), observation.outcome(), resource.getSpec().connectorId())
        .forEach(event -> events.record(resource, event));

    if (observation.outcome() instanceof Outcome.Synced && observation.pendingUpload() == null) {
      var stands = config.resyncInterval().dividedBy(2).compareTo(RECENT) < 0 ? config.resyncInterval().dividedBy(2)
          : RECENT;
      var until = started.plus(StatusFactory.nextLook(written.after(), started, config.expiryWarning(),
          config.uploadSettleWindow()).filter(d -> d.compareTo(stands) < 0).orElse(stands));
      recentSyncs.synced(uid, inputs, until);
    } else {
      recentSyncs.forget(uid);
    }
    return lookAgain(written.after(), clock.instant());
  }

  /** No change now; a look sooner than the resync when the status asks for one (retry, activation, expiry). */
  private UpdateControl<ApiConnectorCertificate> lookAgain(ApiConnectorCertificateStatus status, Instant now) {
    var control = UpdateControl.<ApiConnectorCertificate>noUpdate();
    if (status != null) {
      StatusFactory.nextLook(status, now, config.expiryWarning(), config.uploadSettleWindow())
          .filter(delay -> delay.compareTo(config.resyncInterval()) < 0)
          .ifPresent(control::rescheduleAfter);
    }
    return control;
  }

  /**
   * What a pass depends on besides Graph: the generation, the version of each Secret the resource names, and who
   * keeps its connector.
   */
  private static RecentSyncs.Inputs inputsOf(ApiConnectorCertificate resource,
      Context<ApiConnectorCertificate> context, Optional<ApiConnectorCertificate> owner) {
    var versions = context.getSecondaryResourcesAsStream(Secret.class)
        .map(s -> s.getMetadata().getName() + "@" + s.getMetadata().getResourceVersion())
        .sorted()
        .toList();
    return new RecentSyncs.Inputs(resource.getMetadata().getGeneration(), versions,
        owner.map(o -> o.getMetadata().getUid()).orElse(null));
  }

  /**
   * Writes the upload about to be sent into the status, before it is sent: a restart, a retry or a new leader that
   * reads a connector whose reads lag the upload finds it there and does not post it again.
   */
  private void recordAttempt(AtomicReference<ApiConnectorCertificate> current, Context<ApiConnectorCertificate> context,
      PendingUpload attempt) {
    var written = StatusWrites.write(current.get(), context, copy -> withPendingUpload(copy.getStatus(), attempt));
    current.set(written.resource());
    StatusEvents.ofAttempt(written.before(), written.after()).forEach(event -> events.record(written.resource(), event));
  }

  private Observation observeAndSync(ApiConnectorCertificate resource, Context<ApiConnectorCertificate> context,
      Optional<ApiConnectorCertificate> owner,
      Consumer<PendingUpload> recordAttempt) {
    var spec = resource.getSpec();
    var pending = pendingOn(resource.getStatus(), spec.connectorId());
    if (owner.isPresent()) {
      var sameNamespace = Objects.equals(owner.get().getMetadata().getNamespace(),
          resource.getMetadata().getNamespace());
      return new Observation(new Outcome.Conflict(sameNamespace
          ? Optional.of(owner.get().getMetadata().getName()) : Optional.empty()),
          Optional.empty(), Optional.empty(), pending);
    }

    var passwordSecretName = spec.passwordSecretRef() == null ? null : spec.passwordSecretRef().name();
    var loaded = SecretMaterial.load(spec, secret(context, spec.secretRef().name()),
        secret(context, passwordSecretName), clock.instant());
    if (loaded instanceof SecretMaterial.Problem problem) {
      return new Observation(problem.problem(), Optional.empty(), Optional.empty(), pending);
    }
    var ok = (SecretMaterial.Ok) loaded;
    var certificate = ok.certificate();
    var key = Optional.of(ok.key());

    var credentialsRef = spec.credentialsRef() == null ? null : spec.credentialsRef().name();
    var resolved = GraphRoutes.resolve(spec, secret(context, credentialsRef),
        secret(context, CredentialsSecret.NAMESPACE_DEFAULT_NAME), config);
    if (resolved instanceof GraphRoutes.Problem problem) {
      return new Observation(new Outcome.UserProblem(problem.reason(), problem.message(), Optional.of(certificate)),
          Optional.empty(), key, pending);
    }
    var route = ((GraphRoutes.Route) resolved).route();
    var synced = sync(clients.clientFor(route), spec.connectorId(), certificate, pending, recordAttempt);
    return new Observation(synced.outcome(), Optional.of(route), key, synced.pendingUpload());
  }

  /** What a sync with Graph found or did, and the upload that Graph's reads do not show yet after it. */
  private record SyncResult(Outcome outcome, PendingUpload pendingUpload) {}

  /**
   * Reads the connector and uploads only when it lacks the certificate. Every pass reads first, and an upload that the
   * reads do not show yet (Entra's reads may lag its writes; an answer may have been lost) is not posted again within
   * the settle window: after it, the reads win.
   */
  private SyncResult sync(ConnectorCertificateClient graph, String connectorId, SecretCertificate certificate,
      PendingUpload carried, Consumer<PendingUpload> recordAttempt) {
    var thumbprint = certificate.thumbprint();
    var pending = carried != null && Thumbprints.same(carried.thumbprint(), thumbprint) ? carried : null;
    ApiConnector connector = null;
    try {
      connector = graph.readConnector(connectorId);
      if (connector.holds(thumbprint)) {
        return new SyncResult(new Outcome.Synced(certificate, connector, false), null);
      }
      var now = clock.instant();
      if (pending != null && now.isBefore(Instant.parse(pending.time()).plus(config.uploadSettleWindow()))) {
        log.debug("Connector {} does not show certificate {} yet; uploaded at {}", connectorId, thumbprint,
            pending.time());
        return new SyncResult(new Outcome.Settling(certificate, connector, pending), pending);
      }
      log.info("Connector {} lacks certificate {}: uploading it", connectorId, thumbprint);
      var encoded = encoder.encode(certificate);
      var attempt = new AtomicReference<PendingUpload>();
      ApiConnector answer;
      try {
        answer = graph.uploadCertificate(connectorId, encoded, () -> {
          // once it holds its permit, right before it is sent: a replica that may have lost the Lease (or cannot
          // tell) sends nothing, and the attempt is recorded where a restart or the next leader finds it
          leadership.refusal().ifPresent(why -> {
            throw new IllegalStateException("Not uploading certificate " + thumbprint + " to connector "
                + connectorId + ": " + why);
          });
          var sending = new PendingUpload(connectorId, thumbprint, StatusFactory.format(clock.instant()), false);
          recordAttempt.accept(sending);
          attempt.set(sending);
        });
      } catch (GraphFailure failure) {
        // a refusal was not applied, nor was an upload never sent; a lost or failed answer may have been
        var sent = attempt.get() != null && mayHaveBeenApplied(failure);
        return new SyncResult(new Outcome.GraphProblem(failure, certificate, Optional.of(connector)),
            sent ? ended(attempt.get(), false) : null);
      }
      if (!answer.holds(thumbprint)) {
        // accepted but not listed: most likely replication; judge by the reads, within the settle window
        var accepted = ended(attempt.get(), false);
        return new SyncResult(new Outcome.Settling(certificate, connector, accepted), accepted);
      }
      return new SyncResult(new Outcome.Synced(certificate, answer, true), ended(attempt.get(), true));
    } catch (GraphFailure failure) {
      return new SyncResult(new Outcome.GraphProblem(failure, certificate, Optional.ofNullable(connector)), carried);
    }
  }

  /**
   * An upload that failed without Graph refusing it: no answer, a timeout, a 500, 502 or 504. Not a 4xx, not a 429
   * or 503 (Graph documents both as "repeat the request after a delay": not processed), and not a failure before the
   * request went out (no token, or a budget Graph had paused).
   */
  static boolean mayHaveBeenApplied(GraphFailure failure) {
    if (failure.kind() != GraphFailure.Kind.UNAVAILABLE || failure.httpStatus() == 429
        || failure.httpStatus() == 503) {
      return false;
    }
    if (failure.httpStatus() != 0) {
      return true;
    }
    for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof GraphTraffic.PausedByGraph || cause instanceof ClientAuthenticationException
          || cause instanceof MsalException || cause instanceof ServiceAccountTokenException) {
        return false; // never sent: no token, or held back here
      }
    }
    return true;
  }

  /** The attempt as it ended: the settle window counts from its answer (or failure), not from its start. */
  private PendingUpload ended(PendingUpload attempt, boolean answered) {
    return new PendingUpload(attempt.connectorId(), attempt.thumbprint(), StatusFactory.format(clock.instant()),
        answered);
  }

  /** The status's pending upload, if it is about this connector. */
  static PendingUpload pendingOn(ApiConnectorCertificateStatus status, String connectorId) {
    var pending = status == null ? null : status.pendingUpload();
    return pending != null && connectorId.equalsIgnoreCase(pending.connectorId()) ? pending : null;
  }

  private static ApiConnectorCertificateStatus withPendingUpload(ApiConnectorCertificateStatus status,
      PendingUpload pending) {
    var s = status == null ? ApiConnectorCertificateStatus.empty() : status;
    return new ApiConnectorCertificateStatus(s.observedGeneration(), s.connector(), s.credentials(), s.graph(),
        s.secretCertificate(), s.uploadedThumbprint(), s.lastUploadTime(), s.activeThumbprint(), s.certificates(),
        pending, s.failedAttempts(), s.nextRetryTime(), s.conditions());
  }

  /** A Secret the resource names, whole: its metadata from the informer, its data as of that version. */
  private Optional<Secret> secret(Context<ApiConnectorCertificate> context, String name) {
    if (name == null) {
      return Optional.empty();
    }
    return context.getSecondaryResourcesAsStream(Secret.class)
        .filter(s -> name.equals(s.getMetadata().getName()))
        .findFirst()
        .flatMap(secretContents::whole);
  }
}
