package io.connectorcert.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Random;

import io.connectorcert.config.OperatorConfig;
import io.connectorcert.demo.DemoCertificates;
import io.connectorcert.support.OperatorHarness;
import io.fabric8.kubernetes.api.model.SecretBuilder;

/**
 * What the operator keeps in memory for Secrets no resource names (not a test: bench/run-memory.sh). In one JVM with
 * the embedded API server and the Graph stand-in, the operator's own share is measured as a difference: the heap
 * after GC once everything is created and the operator has not started, against the heap after GC once the operator
 * has started and every resource is Ready. Run with 0 and with 20,000 unrelated Secrets: the difference between the
 * two shares is what unrelated Secrets cost the operator.
 */
public final class MemoryBench {

  public static void main(String[] args) throws Exception {
    int resources = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int unrelated = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int unrelatedBytes = args.length > 2 ? Integer.parseInt(args[2]) : 4096;
    // seconds to stay up after measuring, for a heap histogram (jmap -histo:live)
    int hold = args.length > 3 ? Integer.parseInt(args[3]) : 0;

    try (var harness = OperatorHarness.withoutOperator(Map.of(OperatorConfig.GRAPH_RATE_LIMIT, "1000",
        OperatorConfig.GRAPH_MAX_CONCURRENCY, "16"))) {
      var keyPair = DemoCertificates.rsaKeyPair();
      for (int i = 0; i < resources; i++) {
        harness.graph.addConnector("conn-" + i, "memory " + i, "https://memory.contoso.com/" + i);
        harness.secret("memory-" + i, Map.of("keystore.p12", DemoCertificates.keystore("memory-" + i,
            Duration.ofDays(90), "pw".toCharArray(), keyPair), "password", "pw".getBytes()));
        harness.resource("memory-" + i, "conn-" + i, "memory-" + i, "memory-" + i);
      }
      var random = new Random(1);
      for (int i = 0; i < unrelated; i++) {
        var data = new byte[unrelatedBytes];
        random.nextBytes(data);
        // straight to the API: not through the harness, whose leak-scan registry would hold every value
        harness.client.resource(new SecretBuilder().withNewMetadata().withName("unrelated-" + i)
            .withNamespace(OperatorHarness.NAMESPACE).endMetadata()
            .withData(Map.of("blob", Base64.getEncoder().encodeToString(data))).build()).create();
        if (i % 5000 == 4999) {
          System.out.printf("%d unrelated Secrets written%n", i + 1);
        }
      }
      var before = heapAfterGc();

      var start = Instant.now();
      harness.startOperator();
      while (harness.readyCount() < resources) {
        Thread.sleep(2000);
        System.out.printf("+%ds: %d/%d ready%n", Duration.between(start, Instant.now()).toSeconds(),
            harness.readyCount(), resources);
      }
      var after = heapAfterGc();
      System.out.println();
      System.out.printf("| resources | unrelated Secrets (bytes each) | heap after GC without the operator | with it "
          + "| the operator's share |%n");
      System.out.printf("|---|---|---|---|---|%n");
      System.out.printf("| %d | %d (%d) | %.1f MiB | %.1f MiB | %.1f MiB |%n", resources, unrelated, unrelatedBytes,
          before / 1048576.0, after / 1048576.0, (after - before) / 1048576.0);
      System.out.println("measured");
      Thread.sleep(hold * 1000L);
    }
    System.exit(0);
  }

  private static long heapAfterGc() throws InterruptedException {
    var memory = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(500);
    }
    return memory.getHeapMemoryUsage().getUsed();
  }
}
