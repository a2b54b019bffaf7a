package io.connectorcert.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class GraphTrafficTest {

  static final long SECOND = 1_000_000_000L;

  @Test
  void theBucketAllowsABurstThenTheRate() {
    var bucket = new GraphTraffic.TokenBucket(5, 5, 0);
    for (int i = 0; i < 5; i++) {
      assertThat(bucket.reserve(0)).as("burst " + i).isZero();
    }
    assertThat(bucket.reserve(0)).isEqualTo(SECOND / 5);
    assertThat(bucket.reserve(SECOND / 5)).isZero();
    assertThat(bucket.reserve(SECOND / 5)).isPositive();
    // drained, then one second of steady asking: no more than the rate gets through
    while (bucket.reserve(SECOND) == 0) {
      // take what built up
    }
    int granted = 0;
    for (long t = SECOND + 1; t <= 2 * SECOND; t += SECOND / 100) {
      if (bucket.reserve(t) == 0) {
        granted++;
      }
    }
    assertThat(granted).isBetween(4, 5);
  }

  @Test
  void aPauseHoldsEveryoneUntilItEndsAndStartsFromAnEmptyBucket() {
    var bucket = new GraphTraffic.TokenBucket(10, 10, 0);
    bucket.pauseUntil(2 * SECOND);
    assertThat(bucket.reserve(SECOND)).isEqualTo(SECOND);
    assertThat(bucket.reserve(2 * SECOND)).isPositive();
    assertThat(bucket.reserve(2 * SECOND + SECOND / 10)).isZero();
    bucket.pauseUntil(SECOND); // an earlier end does not shorten the pause already in force
    assertThat(bucket.reserve(2 * SECOND + SECOND / 10)).isPositive();
  }

  @Test
  void aCallerThatWouldWaitPastTheBoundIsToldHowLongInstead() throws Exception {
    var now = new AtomicLong();
    var traffic = new GraphTraffic(4, 1, Duration.ofMillis(100), now::get);
    traffic.acquire().close();
    traffic.slowDown(Duration.ofSeconds(30));
    assertThatThrownBy(traffic::acquire).isInstanceOf(GraphTraffic.Throttled.class)
        .satisfies(e -> assertThat(((GraphTraffic.Throttled) e).waitFor()).isEqualTo(Duration.ofSeconds(30)));
  }

  @Test
  void concurrencyNeverExceedsTheLimit() throws Exception {
    var traffic = new GraphTraffic(3, 1e6, Duration.ofSeconds(10), System::nanoTime);
    var threads = new Thread[12];
    for (int i = 0; i < threads.length; i++) {
      threads[i] = new Thread(() -> {
        for (int j = 0; j < 5; j++) {
          try (var permit = traffic.acquire()) {
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
