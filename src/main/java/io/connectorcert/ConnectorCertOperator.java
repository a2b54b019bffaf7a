package io.connectorcert;

import java.security.SecureRandom;
import java.time.Clock;

import io.connectorcert.certificate.B2cPkcs12Encoder;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.graph.ConnectorClients;
import io.connectorcert.reconciler.ApiConnectorCertificateReconciler;
import io.connectorcert.reconciler.Backoff;
import io.connectorcert.reconciler.EventRecorder;
import io.connectorcert.reconciler.StatusFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;

/**
 * The operator with its collaborators given: the same wiring runs in the cluster, in the demo and in the tests.
 */
public final class ConnectorCertOperator implements AutoCloseable {

  private final Operator operator;

  private ConnectorCertOperator(Operator operator) {
    this.operator = operator;
  }

  public static ConnectorCertOperator start(KubernetesClient client, ConnectorClients graph, OperatorConfig config,
      Clock clock) {
    return start(client, graph, config, clock, Metrics.NOOP);
  }

  public static ConnectorCertOperator start(KubernetesClient client, ConnectorClients graph, OperatorConfig config,
      Clock clock, Metrics metrics) {
    var random = new SecureRandom();
    // Status is patched with JSON merge patches, not server-side apply: the same path runs in tests (whose API
    // server has no SSA) and in the cluster.
    var operator = new Operator(o -> o
        .withKubernetesClient(client)
        .withUseSSAToPatchPrimaryResource(false)
        .withCloseClientOnStop(false)
        .withMetrics(metrics));
    var reconciler = new ApiConnectorCertificateReconciler(
        graph,
        config,
        new B2cPkcs12Encoder(random),
        new StatusFactory(clock, Backoff.standard(random::nextDouble)),
        new EventRecorder(client, clock, config.instanceName()),
        clock);
    operator.register(reconciler, o -> {
      o.withReconciliationMaxInterval(config.resyncInterval());
      if (config.watchesAllNamespaces()) {
        o.watchingAllNamespaces();
      } else {
        o.settingNamespaces(config.watchNamespaces());
      }
    });
    operator.start();
    return new ConnectorCertOperator(operator);
  }

  /** Ready when started and every informer is watching. */
  public boolean ready() {
    var info = operator.getRuntimeInfo();
    return info.isStarted() && info.allEventSourcesAreHealthy();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
