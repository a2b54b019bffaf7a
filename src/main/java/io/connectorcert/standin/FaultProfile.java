package io.connectorcert.standin;

import java.time.Duration;
import java.util.Objects;

/**
 * Chaos for long-running tests: each request (of the scoped method, if any) independently draws one fault, with these
 * probabilities, from a random source seeded with {@code seed}. Queued one-shot faults go first.
 *
 * @param p429 probability of 429 with Retry-After {@code retryAfter}
 * @param p503 probability of 503 with Retry-After {@code retryAfter}
 * @param p504AfterApply probability of applying the request, then answering 504
 * @param retryAfter the Retry-After to send with 429/503 (null: none)
 * @param seed for the random draws, so a run can be replayed
 */
public record FaultProfile(double p429, double p503, double p504AfterApply, Duration retryAfter, long seed) {

  public static final FaultProfile NONE = new FaultProfile(0, 0, 0, null, 0);

  public FaultProfile {
    check(p429, "p429");
    check(p503, "p503");
    check(p504AfterApply, "p504AfterApply");
    if (p429 + p503 + p504AfterApply > 1.0) {
      throw new IllegalArgumentException("fault probabilities add up to more than 1");
    }
  }

  /** The fault for a draw in [0, 1), or null for none. */
  Fault draw(double r) {
    if (r < p429) {
      return Fault.tooManyRequests(Objects.requireNonNullElse(retryAfter, Duration.ofSeconds(1)));
    }
    if (r < p429 + p503) {
      return retryAfter == null ? Fault.serviceUnavailable() : Fault.serviceUnavailable(retryAfter);
    }
    if (r < p429 + p503 + p504AfterApply) {
      return Fault.gatewayTimeoutAfterApply();
    }
    return null;
  }

  private static void check(double p, String name) {
    if (p < 0 || p > 1 || Double.isNaN(p)) {
      throw new IllegalArgumentException(name + " must be within [0, 1]");
    }
  }
}
