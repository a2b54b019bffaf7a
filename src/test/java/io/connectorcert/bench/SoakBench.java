package io.connectorcert.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.config.OperatorConfig;
import io.connectorcert.demo.DemoCertificates;
import io.connectorcert.graph.ConnectorCertificate;
import io.connectorcert.standin.FaultProfile;
import io.connectorcert.standin.RecordedRequest;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.RequestRate;

/**
 * The chaos scenario at scale (not a test: run it with bench/run-soak.sh). N resources, each renewed R times, against
 * a Graph that answers 30% 429 (Retry-After 1 s), 10% 503, 5% 504-after-applying, with 200 ms ± 100 ms latency.
 * Reports convergence time, uploads per distinct certificate (must be 1.00), peak request rate and peak heap.
 */
public final class SoakBench {

  public static void main(String[] args) throws Exception {
    int resources = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int renewals = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int rate = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 8;

    var peakHeap = new AtomicLong();
    var sampler = Executors.newSingleThreadScheduledExecutor();
    var memory = ManagementFactory.getMemoryMXBean();
    sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
        0, 200, TimeUnit.MILLISECONDS);

    try (var harness = OperatorHarness.start(Map.of(
        OperatorConfig.GRAPH_RATE_LIMIT, String.valueOf(rate),
        OperatorConfig.GRAPH_MAX_CONCURRENCY, String.valueOf(concurrency)))) {
      harness.graph.setFaultProfile(new FaultProfile(0.30, 0.10, 0.05, Duration.ofSeconds(1), 7));
      harness.graph.setLatency(Duration.ofMillis(100), Duration.ofMillis(200));
      for (int i = 0; i < resources; i++) {
        harness.graph.addConnector("conn-" + i, "soak " + i, "https://soak.contoso.com/" + i);
      }

      System.out.printf("making %d certificates...%n", resources * renewals);
      // one key for all: key generation is not what this measures; each certificate still has its own thumbprint
      var keyPair = DemoCertificates.rsaKeyPair();
      var keystores = new ArrayList<List<byte[]>>();
      for (int i = 0; i < resources; i++) {
        var rounds = new ArrayList<byte[]>();
        for (int r = 0; r < renewals; r++) {
          rounds.add(DemoCertificates.keystore("soak-" + i + "-" + r, Duration.ofDays(90), "pw".toCharArray(),
              keyPair));
        }
        keystores.add(rounds);
      }

      var start = Instant.now();
      for (int r = 0; r < renewals; r++) {
        for (int i = 0; i < resources; i++) {
          harness.secret("soak-" + i, Map.of("keystore.p12", keystores.get(i).get(r), "password",
              "pw".getBytes()));
          if (r == 0) {
            harness.resource("soak-" + i, "conn-" + i, "soak-" + i, "soak-" + i);
          }
        }
        System.out.printf("round %d written at +%ds%n", r + 1, Duration.between(start, Instant.now()).toSeconds());
        Thread.sleep(2000);
      }

      var lastThumbprints = new ArrayList<String>();
      for (int i = 0; i < resources; i++) {
        lastThumbprints.add(io.connectorcert.certificate.Thumbprints.of(leaf(keystores.get(i).get(renewals - 1))));
      }
      var deadline = Instant.now().plus(Duration.ofMinutes(60));
      int ready = 0;
      while (Instant.now().isBefore(deadline)) {
        ready = 0;
        for (var resource : harness.client.resources(io.connectorcert.api.v1alpha1.ApiConnectorCertificate.class)
            .inNamespace(OperatorHarness.NAMESPACE).list().getItems()) {
          var i = Integer.parseInt(resource.getMetadata().getName().substring("soak-".length()));
          var status = resource.getStatus();
          if (status != null && status.secretCertificate() != null
              && lastThumbprints.get(i).equals(status.secretCertificate().thumbprint())
              && status.condition(ApiConnectorCertificateStatus.READY).map(c -> "True".equals(c.getStatus()))
                  .orElse(false)) {
            ready++;
          }
        }
        if (ready == resources) {
          break;
        }
        System.out.printf("+%ds: %d/%d ready, %d Graph requests%n", Duration.between(start, Instant.now()).toSeconds(),
            ready, resources, harness.graph.requests().size());
        Thread.sleep(5000);
      }
      var converged = Duration.between(start, Instant.now());

      long uploads = 0;
      long distinct = 0;
      for (int i = 0; i < resources; i++) {
        var thumbprints = harness.graph.certificates("conn-" + i).stream().map(ConnectorCertificate::thumbprint)
            .toList();
        uploads += harness.graph.uploads("conn-" + i);
        distinct += new HashSet<>(thumbprints).size();
      }
      var requests = harness.graph.requests();
      System.out.println();
      System.out.println("| metric | value |");
      System.out.println("|---|---|");
      System.out.printf("| resources x renewals | %d x %d |%n", resources, renewals);
      System.out.printf("| GRAPH_RATE_LIMIT / GRAPH_MAX_CONCURRENCY | %d/s / %d |%n", rate, concurrency);
      System.out.printf("| converged | %s (%d/%d Ready with their last certificate) |%n", ready == resources
          ? converged.toSeconds() + " s" : "NO", ready, resources);
      System.out.printf("| Graph requests (429 / 503 / 504) | %d (%d / %d / %d) |%n", requests.size(),
          count(requests, 429), count(requests, 503), count(requests, 504));
      System.out.printf("| uploads applied / distinct certificates held | %d / %d = %.2f |%n", uploads, distinct,
          distinct == 0 ? 0.0 : (double) uploads / distinct);
      System.out.printf("| peak requests in any 1 s | %d |%n", RequestRate.peakPerSecond(requests));
      System.out.printf("| peak heap (whole JVM: operator, embedded API server, stand-in) | %d MiB |%n",
          peakHeap.get() / (1024 * 1024));
    } finally {
      sampler.shutdownNow();
    }
    System.exit(0);
  }

  static java.security.cert.X509Certificate leaf(byte[] pkcs12) throws Exception {
    var store = java.security.KeyStore.getInstance("PKCS12");
    store.load(new java.io.ByteArrayInputStream(pkcs12), "pw".toCharArray());
    return (java.security.cert.X509Certificate) store.getCertificate(store.aliases().nextElement());
  }

  private static long count(List<RecordedRequest> requests, int status) {
    return requests.stream().filter(r -> r.status() == status).count();
  }

}
