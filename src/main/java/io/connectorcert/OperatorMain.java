package io.connectorcert;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.identity.DefaultAzureCredentialBuilder;

import io.connectorcert.config.OperatorConfig;
import io.connectorcert.demo.Demo;
import io.connectorcert.credentials.AzureSecretCredentials;
import io.connectorcert.graph.GraphClients;
import io.connectorcert.graph.GraphTraffic;
import io.connectorcert.kube.ServiceAccountTokenRequests;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.OperatorException;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;

/**
 * {@code java -jar connector-cert-operator.jar} runs the operator against the current kubeconfig or in-cluster config;
 * {@code ... demo} runs it against an embedded Kubernetes API and Graph stand-in. Wiring only.
 */
public final class OperatorMain {

  private static final Logger log = LoggerFactory.getLogger(OperatorMain.class);

  private OperatorMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && "demo".equals(args[0])) {
      System.exit(Demo.run(System.out));
    }
    if (args.length > 0) {
      System.err.println("usage: connector-cert-operator [demo]");
      System.exit(2);
    }

    OperatorConfig config;
    try {
      config = OperatorConfig.fromEnvironment(System.getenv());
    } catch (OperatorConfig.InvalidConfigException e) {
      System.err.println("connector-cert-operator: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }

    // DefaultAzureCredential follows the azure-identity conventions: AZURE_TENANT_ID, AZURE_CLIENT_ID with
    // AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH, AZURE_FEDERATED_TOKEN_FILE (workload identity),
    // managed identity, AZURE_AUTHORITY_HOST; AZURE_TOKEN_CREDENTIALS=prod keeps it to those.
    var operatorCredential = new DefaultAzureCredentialBuilder().build();
    var client = new KubernetesClientBuilder().build();
    // TokenRequests run inside a Graph call's token fetch, on a reconcile thread: a failing API server must not hold
    // it through fabric8's ten backed-off retries (minutes); the reconcile's own backoff retries instead
    var tokenRequestClient = new KubernetesClientBuilder()
        .withConfig(new ConfigBuilder().withRequestRetryBackoffLimit(1).build()).build();
    // credentials Secrets (per resource, per namespace) become credentials of their own, built on first use; a
    // serviceAccountName federates a token of that ServiceAccount, requested from the Kubernetes API
    var graph = new GraphClients(operatorCredential,
        new AzureSecretCredentials(null, config.federatedTokenFile(),
            new ServiceAccountTokenRequests(tokenRequestClient, Clock.systemUTC())),
        config.graphCallTimeout(), GraphTraffic.of(config.graphMaxConcurrency(), config.graphBudget()));
    if (config.allowSharedWorkloadIdentity()) {
      log.warn("{}=true: credentials Secrets with workloadIdentity: \"true\" get the operator's own identity, in "
          + "every namespace; move them to serviceAccountName", OperatorConfig.ALLOW_SHARED_WORKLOAD_IDENTITY);
    }

    var target = config.defaultTarget();
    log.info("Starting: {} Graph {}/{}, namespaces {}, resync every {}, {}, Secrets {}", target.cloud(),
        target.graphEndpoint(), target.apiVersion(), config.watchesAllNamespaces() ? "all" : config.watchNamespaces(),
        config.resyncInterval(), config.leaderElection()
            .map(l -> "leader election on Lease " + l.leaseNamespace() + "/" + l.leaseName() + " as "
                + config.instanceName())
            .orElse("no leader election"),
        config.secretLabelSelector().map(s -> "labelled " + s).orElse("all"));
    ConnectorCertOperator operator;
    try {
      // Leadership lost while running: exit, and Kubernetes restarts the pod as a follower. The next leader reads the
      // connector before any upload, so an upload cut short here is never posted twice.
      operator = ConnectorCertOperator.start(client, graph, config, Clock.systemUTC(), Metrics.NOOP,
          () -> new Thread(() -> System.exit(1), "leadership-lost").start());
    } catch (OperatorException e) {
      log.debug("Start-up failed", e);
      System.err.println("connector-cert-operator: cannot start against the Kubernetes API at "
          + client.getConfiguration().getMasterUrl() + ": " + rootCause(e)
          + ". Check the kubeconfig or in-cluster config, and that the CRD is installed (kubectl apply -f crds/)."
          + " To try it without a cluster: java -jar connector-cert-operator.jar demo");
      System.exit(1);
      return;
    }
    var health = HealthServer.start(config.httpPort(), operator::ready);

    var stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("Stopping");
      health.close();
      operator.close();
      graph.close();
      tokenRequestClient.close();
      client.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }

  private static String rootCause(Throwable e) {
    var root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " " + root.getMessage());
  }
}
