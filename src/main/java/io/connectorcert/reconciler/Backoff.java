package io.connectorcert.reconciler;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter for transient Graph failures, never sooner than Graph's Retry-After. The jitter
 * source is injected so that tests can pin it.
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier jitter) {

  public static Backoff standard(DoubleSupplier jitter) {
    return new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), jitter);
  }

  /**
   * The wait before try {@code attempt + 1}, after {@code attempt} failures in a row (attempt >= 1). When Graph said
   * when to come back (Retry-After), that is the wait, as Graph's throttling guidance asks; the operator's own growth
   * then starts four times lower, so a long run of refusals still spreads out without waiting far past Graph's word.
   */
  public Duration delay(int attempt, Optional<Duration> retryAfter) {
    var exponent = Math.min(Math.max(attempt - 1, 0), 20);
    var base = Math.min(max.toMillis(), initial.toMillis() << exponent);
    if (retryAfter.isPresent()) {
      base = base / 4;
    }
    var jittered = (long) (base * (1.0 + 0.2 * jitter.getAsDouble()));
    var delay = Duration.ofMillis(Math.min(jittered, max.toMillis()));
    return retryAfter.filter(r -> r.compareTo(delay) > 0).orElse(delay);
  }
}
