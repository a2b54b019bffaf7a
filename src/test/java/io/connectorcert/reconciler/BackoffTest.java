package io.connectorcert.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BackoffTest {

  final Backoff noJitter = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), () -> 0.0);

  @Test
  void doublesFromTheInitialDelayUpToTheCap() {
    assertThat(noJitter.delay(1, Optional.empty())).isEqualTo(Duration.ofSeconds(2));
    assertThat(noJitter.delay(2, Optional.empty())).isEqualTo(Duration.ofSeconds(4));
    assertThat(noJitter.delay(5, Optional.empty())).isEqualTo(Duration.ofSeconds(32));
    assertThat(noJitter.delay(9, Optional.empty())).isEqualTo(Duration.ofMinutes(5));
    assertThat(noJitter.delay(1000, Optional.empty())).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void graphsRetryAfterIsTheWaitHoweverManyFailuresCameBefore() {
    assertThat(noJitter.delay(1, Optional.of(Duration.ofSeconds(30)))).isEqualTo(Duration.ofSeconds(30));
    assertThat(noJitter.delay(8, Optional.of(Duration.ofSeconds(1)))).isEqualTo(Duration.ofSeconds(1));
    assertThat(noJitter.delay(3, Optional.of(Duration.ZERO))).as("no hot loop").isEqualTo(Duration.ofSeconds(1));
    assertThat(noJitter.delay(1, Optional.of(Duration.ofHours(1)))).as("capped").isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void jitterSpreadsByUpToAFifth() {
    var fullJitter = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), () -> 0.999);
    assertThat(fullJitter.delay(3, Optional.empty())).isBetween(Duration.ofSeconds(8), Duration.ofMillis(9600));
  }
}
