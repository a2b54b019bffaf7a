package io.connectorcert.reconciler;

import java.time.Duration;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter for transient Graph failures, never sooner than Graph's Retry-After. The jitter
 * source is injected so that tests can pin it.
 */
public record Backoff(Duration initial, Duration max, DoubleSupplier jitter) {

  /** A Retry-After of 0 would make a hot loop. */
  static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);

  public static Backoff standard(DoubleSupplier jitter) {
    return new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), jitter);
  }

  /**
   * The wait before try {@code attempt + 1}, after {@code attempt} failures in a row (attempt >= 1). When Graph said
   * when to come back (Retry-After), that is the wait, as Graph's throttling guidance asks (at least a second, spread
   * by up to a fifth): growing it further would only add to the wait, and the traffic budget of the tenant is paused
   * for that long anyway. Otherwise the wait grows exponentially from {@code initial} to {@code max}.
   */
  public Duration delay(int attempt, Optional<Duration> retryAfter) {
    var spread = 1.0 + 0.2 * jitter.getAsDouble();
    if (retryAfter.isPresent()) {
      var asked = Math.max(retryAfter.get().toMillis(), MIN_RETRY_AFTER.toMillis());
      return Duration.ofMillis(Math.min((long) (asked * spread), max.toMillis()));
    }
    var exponent = Math.min(Math.max(attempt - 1, 0), 20);
    var base = Math.min(max.toMillis(), initial.toMillis() << exponent);
    return Duration.ofMillis(Math.min((long) (base * spread), max.toMillis()));
  }

}
