package io.connectorcert.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.certificate.Thumbprints;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.demo.DemoCertificates;
import io.connectorcert.standin.RecordedRequest;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.RequestRate;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * Throughput against a Graph with fixed latency and no faults (not a test: run it with bench/run-throughput.sh), the
 * operator at its default budgets on one credential (one tenant and application):
 *
 * <ol>
 *   <li>restart: N resources already in sync, the operator restarts; how long until it has read every connector;
 *   <li>renewals: M Secrets get a new certificate at once; how long from each Secret write until the resource's
 *       status shows the new certificate Ready (p50, p99, max).
 * </ol>
 */
public final class ThroughputBench {

  public static void main(String[] args) throws Exception {
    int resources = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int renewals = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    int latencyMs = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 8;
    var latency = Duration.ofMillis(latencyMs);

    try (var harness = OperatorHarness.start(Map.of(OperatorConfig.GRAPH_MAX_CONCURRENCY, String.valueOf(concurrency)),
        (source, authority) -> {
          throw new IllegalStateException("no credentials Secrets in this bench");
        },
        // enough stand-in threads that Graph's latency, not the stand-in, is what the operator waits for
        graph -> graph.threads(4 * concurrency))) {
      var config = harness.config();
      System.out.printf("budget per (cloud, tenant, application): %.0f requests/s, %.0f writes/s (burst %.0f); "
          + "GRAPH_MAX_CONCURRENCY %d; Graph latency %d ms%n", config.graphBudget().requestsPerSecond(),
          config.graphBudget().writesPerSecond(), config.graphBudget().writeBurst(), concurrency, latencyMs);
      harness.graph.setLatency(latency, Duration.ZERO);

      System.out.printf("making %d + %d certificates...%n", resources, renewals);
      var keyPair = DemoCertificates.rsaKeyPair();
      var first = new ArrayList<byte[]>();
      for (int i = 0; i < resources; i++) {
        harness.graph.addConnector("conn-" + i, "bench " + i, "https://bench.contoso.com/" + i);
        first.add(DemoCertificates.keystore("bench-" + i, Duration.ofDays(90), "pw".toCharArray(), keyPair));
      }
      var renewed = new ArrayList<byte[]>();
      var renewedThumbprints = new ArrayList<String>();
      for (int i = 0; i < renewals; i++) {
        var keystore = DemoCertificates.keystore("bench-" + i + "-renewed", Duration.ofDays(90), "pw".toCharArray(),
            keyPair);
        renewed.add(keystore);
        renewedThumbprints.add(Thumbprints.of(SoakBench.leaf(keystore)));
      }

      // setting up: every resource in sync (not measured)
      var setup = Instant.now();
      for (int i = 0; i < resources; i++) {
        harness.secret("bench-" + i, Map.of("keystore.p12", first.get(i), "password", "pw".getBytes()));
        harness.resource("bench-" + i, "conn-" + i, "bench-" + i, "bench-" + i);
      }
      while (harness.readyCount() < resources) {
        System.out.printf("setup +%ds: %d/%d ready%n", Duration.between(setup, Instant.now()).toSeconds(),
            harness.readyCount(), resources);
        Thread.sleep(5000);
      }
      System.out.printf("setup: %d resources in sync after %d s%n", resources,
          Duration.between(setup, Instant.now()).toSeconds());

      // 1. restart with every resource in sync
      var requestsBefore = harness.graph.requests().size();
      var restarted = Instant.now();
      harness.restartOperator();
      List<RecordedRequest> reads;
      while (true) {
        var all = harness.graph.requests();
        reads = all.subList(requestsBefore, all.size()).stream()
            .filter(r -> "GET".equals(r.method()) && r.status() == 200).toList();
        if (reads.size() >= resources) {
          break;
        }
        Thread.sleep(100);
      }
      var lastRead = reads.stream().map(RecordedRequest::time).max(Instant::compareTo).orElseThrow().plus(latency);
      var readsTook = Duration.between(restarted, lastRead);
      // then until the operator is quiet (nothing sent for 3 s): every read the restart causes
      var quietSince = Instant.now();
      var seenCount = harness.graph.requests().size();
      while (Duration.between(quietSince, Instant.now()).toSeconds() < 3) {
        Thread.sleep(200);
        var count = harness.graph.requests().size();
        if (count != seenCount) {
          seenCount = count;
          quietSince = Instant.now();
        }
      }
      var afterRestart = harness.graph.requests();
      var restartRequests = afterRestart.subList(requestsBefore, afterRestart.size());
      var perConnector = new java.util.TreeMap<Long, Long>(restartRequests.stream().filter(r -> "GET".equals(r.method()))
          .collect(java.util.stream.Collectors.groupingBy(RecordedRequest::path, java.util.stream.Collectors.counting()))
          .values().stream().collect(java.util.stream.Collectors.groupingBy(n -> n, java.util.stream.Collectors.counting())));
      var lastRestartRead = restartRequests.stream().map(RecordedRequest::time).max(Instant::compareTo).orElseThrow()
          .plus(latency);
      var bound = Duration.ofMillis((long) (1.5 * resources * latencyMs / concurrency));

      // 2. renewals written at once
      var seen = new ConcurrentHashMap<String, Instant>();
      var watch = harness.client.resources(ApiConnectorCertificate.class).inNamespace(OperatorHarness.NAMESPACE)
          .watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ApiConnectorCertificate resource) {
              var name = resource.getMetadata().getName();
              var i = Integer.parseInt(name.substring("bench-".length()));
              var status = resource.getStatus();
              if (i < renewals && status != null && status.secretCertificate() != null
                  && renewedThumbprints.get(i).equals(status.secretCertificate().thumbprint())
                  && status.condition(ApiConnectorCertificateStatus.READY).map(c -> "True".equals(c.getStatus()))
                      .orElse(false)) {
                seen.putIfAbsent(name, Instant.now());
              }
            }

            @Override
            public void onClose(WatcherException cause) {}
          });
      var requestsBeforeRenewals = harness.graph.requests().size();
      var written = new ConcurrentHashMap<String, Instant>();
      for (int i = 0; i < renewals; i++) {
        written.put("bench-" + i, Instant.now());
        harness.secret("bench-" + i, Map.of("keystore.p12", renewed.get(i), "password", "pw".getBytes()));
      }
      var renewalsWritten = Duration.between(written.get("bench-0"), Instant.now());
      var deadline = Instant.now().plus(Duration.ofMinutes(10));
      while (seen.size() < renewals && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      watch.close();
      var latencies = new ArrayList<Duration>();
      seen.forEach((name, at) -> latencies.add(Duration.between(written.get(name), at)));
      latencies.sort(Duration::compareTo);
      var afterRenewals = harness.graph.requests();
      var renewalRequests = afterRenewals.subList(requestsBeforeRenewals, afterRenewals.size());
      var renewalBound = Duration.ofMillis((long) (2.0 * 200 * latencyMs / concurrency) + 1000);

      System.out.println();
      System.out.println("| metric | value |");
      System.out.println("|---|---|");
      System.out.printf("| restart, %d resources in sync: all connectors read after | %.1f s (bound 1.5 x %d x %d ms / %d"
          + " = %.1f s) |%n", resources, readsTook.toMillis() / 1000.0, resources, latencyMs, concurrency,
          bound.toMillis() / 1000.0);
      System.out.printf("| restart: Graph requests (non-200) / peak requests in any 1 s | %d (%d) / %d |%n",
          restartRequests.size(), restartRequests.stream().filter(r -> r.status() != 200).count(),
          RequestRate.peakPerSecond(restartRequests));
      System.out.printf("| restart: connectors by reads (reads: connectors) / last read of the restart after | %s /"
          + " %.1f s |%n", perConnector, Duration.between(restarted, lastRestartRead).toMillis() / 1000.0);
      System.out.printf("| %d renewals written at once (writing took %.1f s): reached status | %d/%d |%n", renewals,
          renewalsWritten.toMillis() / 1000.0, latencies.size(), renewals);
      if (!latencies.isEmpty()) {
        System.out.printf("| renewals: Secret write to status, p50 / p99 / max | %.2f s / %.2f s / %.2f s (p99 bound"
            + " 2 x 200 x %d ms / %d + 1 s = %.1f s) |%n", seconds(percentile(latencies, 50)),
            seconds(percentile(latencies, 99)), seconds(latencies.get(latencies.size() - 1)), latencyMs, concurrency,
            renewalBound.toMillis() / 1000.0);
      }
      System.out.printf("| renewals: Graph requests (GET / POST, non-200) | %d / %d, %d |%n",
          renewalRequests.stream().filter(r -> "GET".equals(r.method())).count(),
          renewalRequests.stream().filter(RecordedRequest::isUpload).count(),
          renewalRequests.stream().filter(r -> r.status() != 200).count());
    }
    System.exit(0);
  }

  private static Duration percentile(List<Duration> sorted, int p) {
    var index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
