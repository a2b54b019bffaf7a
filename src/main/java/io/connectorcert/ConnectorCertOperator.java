package io.connectorcert;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.connectorcert.certificate.B2cPkcs12Encoder;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.graph.ConnectorClients;
import io.connectorcert.kube.SecretContents;
import io.connectorcert.reconciler.ApiConnectorCertificateReconciler;
import io.connectorcert.reconciler.Backoff;
import io.connectorcert.reconciler.EventRecorder;
import io.connectorcert.reconciler.LeadershipCheck;
import io.connectorcert.reconciler.StatusFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;

/**
 * The operator with its collaborators given: the same wiring runs in the cluster, in the demo and in the tests.
 */
public final class ConnectorCertOperator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ConnectorCertOperator.class);
  /**
   * The data of this many named Secrets stays in memory (a resource names up to four: certificate, password,
   * credentials, the namespace's default credentials); beyond it the least recently used is read again when needed.
   */
  private static final int NAMED_SECRETS_HELD = 4096;

  private final Operator operator;
  /** Set before stopping: leadership given up by a shutdown is not leadership lost. */
  private final AtomicBoolean closing;

  private ConnectorCertOperator(Operator operator, AtomicBoolean closing) {
    this.operator = operator;
    this.closing = closing;
  }

  public static ConnectorCertOperator start(KubernetesClient client, ConnectorClients graph, OperatorConfig config,
      Clock clock) {
    return start(client, graph, config, clock, Metrics.NOOP);
  }

  public static ConnectorCertOperator start(KubernetesClient client, ConnectorClients graph, OperatorConfig config,
      Clock clock, Metrics metrics) {
    return start(client, graph, config, clock, metrics, null);
  }

  /**
   * @param onLeadershipLost what to do when this instance loses the Lease while running (not when it is closed):
   *     {@code main} exits so that Kubernetes restarts the pod as a follower. JOSDK would otherwise keep reconciling
   *     on a replica that no longer leads. {@code null}: stop reconciling and keep the process.
   */
  public static ConnectorCertOperator start(KubernetesClient client, ConnectorClients graph, OperatorConfig config,
      Clock clock, Metrics metrics, Runnable onLeadershipLost) {
    var random = new SecureRandom();
    var closing = new AtomicBoolean();
    var holder = new Operator[1];
    Runnable lost = onLeadershipLost != null ? onLeadershipLost
        : () -> new Thread(() -> holder[0].stop(), "leadership-lost").start();
    // Status is patched with JSON merge patches, not server-side apply: the same path runs in tests (whose API
    // server has no SSA) and in the cluster.
    var operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withUseSSAToPatchPrimaryResource(false)
          .withCloseClientOnStop(false)
          .withMetrics(metrics)
          // on stop, in-flight reconciles get this long to finish; below the pod's terminationGracePeriodSeconds
          .withReconciliationTerminationTimeout(config.shutdownTimeout());
      config.leaderElection().ifPresent(settings ->
          o.withLeaderElectionConfiguration(leaderElection(settings, config.instanceName(), closing, lost)));
    });
    holder[0] = operator;
    var reconciler = new ApiConnectorCertificateReconciler(
        graph,
        config,
        new B2cPkcs12Encoder(random),
        new StatusFactory(clock, Backoff.standard(random::nextDouble), config.expiryWarning(),
            config.uploadSettleWindow()),
        new EventRecorder(client, clock, config.instanceName()),
        clock,
        // an upload goes out only while this replica's Lease outlasts it
        config.leaderElection()
            .map(l -> LeadershipCheck.lease(client, l.leaseNamespace(), l.leaseName(), config.instanceName(),
                config.graphCallTimeout().plus(OperatorConfig.UPLOAD_PREPARATION), clock))
            .orElse(LeadershipCheck.ALONE),
        new SecretContents(client, NAMED_SECRETS_HELD));
    operator.register(reconciler, o -> {
      o.withReconciliationMaxInterval(config.resyncInterval());
      if (config.watchesAllNamespaces()) {
        o.watchingAllNamespaces();
      } else {
        o.settingNamespaces(config.watchNamespaces());
      }
    });
    operator.start();
    return new ConnectorCertOperator(operator, closing);
  }

  /**
   * JOSDK's own exitOnStopLeading is off: fabric8 reports "stopped leading" also when the elector is cancelled by
   * {@code Operator.stop()}, and a System.exit from inside the shutdown hook would hang the JVM until SIGKILL. So
   * "lost" is decided here: stopped leading while not closing.
   */
  private static LeaderElectionConfiguration leaderElection(OperatorConfig.LeaderElection settings, String identity,
      AtomicBoolean closing, Runnable lost) {
    var callbacks = new LeaderCallbacks(
        () -> log.info("Leading: {} holds Lease {}/{}; reconciling", identity, settings.leaseNamespace(),
            settings.leaseName()),
        () -> {
          if (closing.get()) {
            log.info("Stopped leading: shutting down");
          } else {
            log.error("Lost the Lease {}/{}; no longer reconciling", settings.leaseNamespace(),
                settings.leaseName());
            lost.run();
          }
        },
        leader -> log.info("Leader is {}", leader));
    return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(settings.leaseName())
        .withLeaseNamespace(settings.leaseNamespace())
        .withIdentity(identity)
        .withLeaseDuration(settings.leaseDuration())
        .withRenewDeadline(settings.renewDeadline())
        .withRetryPeriod(settings.retryPeriod())
        .withLeaderCallbacks(callbacks)
        .withExitOnStopLeading(false)
        .build();
  }

  /**
   * Ready when started and every informer is watching. With leader election, a follower is Ready too (a hot standby):
   * JOSDK starts its informers and reports it started and healthy; only event processing waits for the Lease.
   */
  public boolean ready() {
    var info = operator.getRuntimeInfo();
    return info.isStarted() && info.allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    closing.set(true);
    operator.stop();
  }
}
