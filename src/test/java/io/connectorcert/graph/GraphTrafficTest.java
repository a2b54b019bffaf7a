package io.connectorcert.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The traffic budgets on a fake clock: a caller "sleeps" by moving the clock. */
class GraphTrafficTest {

  static final long SECOND = 1_000_000_000L;
  static final URI GRAPH = URI.create("https://graph.microsoft.com");
  static final GraphTraffic.Key TENANT_A = new GraphTraffic.Key(GRAPH, "tenant-a", "app");
  static final GraphTraffic.Key TENANT_B = new GraphTraffic.Key(GRAPH, "tenant-b", "app");

  final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  final AtomicLong slept = new AtomicLong();

  GraphTraffic traffic(double requestsPerSecond, double writesPerSecond, double writeBurst, Duration maxPauseWait) {
    return new GraphTraffic(8, new GraphTraffic.Budget(requestsPerSecond, writesPerSecond, writeBurst),
        maxPauseWait, clock::get, nanos -> {
          slept.addAndGet(nanos);
          clock.addAndGet(nanos);
        });
  }

  @Test
  void aScheduleWithoutBurstSpacesStartsEvenlyInTheOrderAsked() {
    var schedule = new GraphTraffic.Schedule(10, 1, 0);
    assertThat(schedule.reserve(0)).isZero();
    assertThat(schedule.reserve(0)).isEqualTo(SECOND / 10);
    assertThat(schedule.reserve(0)).isEqualTo(2 * SECOND / 10);
    // after a quiet spell, no credit is saved up beyond one start
    assertThat(schedule.reserve(10 * SECOND)).isZero();
    assertThat(schedule.reserve(10 * SECOND)).isEqualTo(SECOND / 10);
  }

  @Test
  void aScheduleWithABurstLetsTheBurstGoAtOnceThenTheRate() {
    var schedule = new GraphTraffic.Schedule(5, 100, 0);
    for (int i = 0; i < 100; i++) {
      assertThat(schedule.reserve(0)).as("burst %d", i).isZero();
    }
    assertThat(schedule.reserve(0)).isEqualTo(SECOND / 5);
    schedule.notBefore(60 * SECOND);
    assertThat(schedule.reserve(SECOND)).as("no start before the pause ends").isEqualTo(59 * SECOND);
    assertThat(schedule.reserve(SECOND)).as("and no burst saved across it").isEqualTo(59 * SECOND + SECOND / 5);
  }

  @Test
  void theDefaultWriteBurstIsGraphsWriteWindowOfTheRate() {
    assertThat(GraphTraffic.Budget.of(175, 5)).isEqualTo(new GraphTraffic.Budget(175, 5, 750));
  }

  @Test
  void localQueueingWaitsItsTurnAndNeverFails() throws Exception {
    var traffic = traffic(10, 1, 1, Duration.ofMillis(100));
    var lane = traffic.lane(TENANT_A);
    for (int i = 0; i < 100; i++) {
      lane.acquire(false).close();
    }
    // 100 starts at 10 per second: the last one waited 9.9 s, far past the pause bound, and none was turned away
    assertThat(Duration.ofNanos(slept.get())).isEqualTo(Duration.ofMillis(9_900));
  }

  @Test
  void writesSpendTheWriteBudgetToo() throws Exception {
    var traffic = traffic(1_000, 2, 3, Duration.ofSeconds(10));
    var lane = traffic.lane(TENANT_A);
    for (int i = 0; i < 3; i++) {
      lane.acquire(true).close();
    }
    assertThat(slept.get()).as("the burst of 3 writes goes at once").isLessThan(SECOND / 100);
    lane.acquire(true).close();
    assertThat(slept.get()).as("the fourth waits for the write rate").isGreaterThanOrEqualTo(SECOND / 2);
    var before = slept.get();
    lane.acquire(false).close();
    assertThat(slept.get() - before).as("a read waits only for the request rate").isLessThan(SECOND / 100);
  }

  @Test
  void aPauseFromGraphHoldsOnlyItsOwnLane() throws Exception {
    var traffic = traffic(100, 10, 10, Duration.ofSeconds(10));
    traffic.lane(TENANT_A).pause(Duration.ofSeconds(3));

    traffic.lane(TENANT_B).acquire(false).close();
    assertThat(slept.get()).as("tenant B is not held back").isZero();

    traffic.lane(TENANT_A).acquire(false).close();
    assertThat(Duration.ofNanos(slept.get())).as("tenant A waits out Graph's Retry-After")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void aPauseLongerThanACallerWaitsTurnsItAwayWithTheRemainingTime() {
    var traffic = traffic(100, 10, 10, Duration.ofSeconds(10));
    traffic.lane(TENANT_A).pause(Duration.ofSeconds(30));

    var paused = catchThrowableOfType(GraphTraffic.PausedByGraph.class, () -> traffic.lane(TENANT_A).acquire(false));

    assertThat(paused.remaining()).isEqualTo(Duration.ofSeconds(30));
    assertThat(slept.get()).isZero();
  }

  @Test
  void theSameKeyIsTheSameLane() {
    var traffic = traffic(1, 1, 1, Duration.ofSeconds(1));
    assertThat(traffic.lane(new GraphTraffic.Key(GRAPH, "tenant-a", "app"))).isSameAs(traffic.lane(TENANT_A));
    assertThat(traffic.lane(new GraphTraffic.Key(URI.create("https://graph.microsoft.us"), "tenant-a", "app")))
        .isNotSameAs(traffic.lane(TENANT_A));
  }

  @Test
  void callsInFlightNeverExceedTheOperatorsBound() throws Exception {
    var traffic = GraphTraffic.of(3, new GraphTraffic.Budget(1e6, 1e6, 1e6));
    var threads = new Thread[12];
    for (int i = 0; i < threads.length; i++) {
      var key = new GraphTraffic.Key(GRAPH, "tenant-" + (i % 4), "app");
      threads[i] = new Thread(() -> {
        for (int j = 0; j < 5; j++) {
          try (var permit = traffic.lane(key).acquire(j % 2 == 0)) {
            Thread.sleep(5);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
      threads[i].start();
    }
    for (var thread : threads) {
      thread.join();
    }
    assertThat(traffic.peakConcurrency()).isBetween(1, 3);
  }
}
