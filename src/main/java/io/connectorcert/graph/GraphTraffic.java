package io.connectorcert.graph;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * One budget for all Graph traffic of the operator, whatever the resource or credential: at most {@code maxConcurrent}
 * requests in flight, at most {@code ratePerSecond} started per second (a token bucket), and a pause for everyone when
 * Graph answers 429 with Retry-After. Every HTTP attempt takes a permit, the SDK's own retries included, so a
 * thousand renewals at once become a steady stream instead of a throttling storm.
 */
public final class GraphTraffic {

  /** A caller would have waited longer than the bound: the reconcile gives up its thread and comes back later. */
  public static final class Throttled extends IOException {
    private final Duration wait;

    Throttled(Duration wait) {
      super("Graph calls are held back for " + wait.toMillis() + " ms (the operator's own rate limit, or Graph's "
          + "Retry-After)", null);
      this.wait = wait;
    }

    public Duration waitFor() {
      return wait;
    }
  }

  /** Held for the duration of one HTTP request. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  private final Semaphore inFlight;
  private final TokenBucket bucket;
  private final Duration maxWait;
  private final LongSupplier nanoTime;
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();

  public GraphTraffic(int maxConcurrent, double ratePerSecond, Duration maxWait, LongSupplier nanoTime) {
    this.inFlight = new Semaphore(maxConcurrent, true);
    // no burst: the rate holds over any one-second window, which is what Graph's throttling counts
    this.bucket = new TokenBucket(ratePerSecond, 1.0, nanoTime.getAsLong());
    this.maxWait = maxWait;
    this.nanoTime = nanoTime;
  }

  /** No budget: for tools and tests that make a handful of calls. */
  public static GraphTraffic unlimited() {
    return new GraphTraffic(Integer.MAX_VALUE, 1e9, Duration.ofSeconds(10), System::nanoTime);
  }

  public static GraphTraffic of(int maxConcurrent, double ratePerSecond) {
    return new GraphTraffic(maxConcurrent, ratePerSecond, Duration.ofSeconds(10), System::nanoTime);
  }

  /** Waits (up to the bound) for a slot and a token; throws {@link Throttled} rather than wait longer. */
  public Permit acquire() throws Throttled {
    var deadline = nanoTime.getAsLong() + maxWait.toNanos();
    try {
      if (!inFlight.tryAcquire(maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new Throttled(maxWait);
      }
      try {
        while (true) {
          var now = nanoTime.getAsLong();
          var wait = bucket.reserve(now);
          if (wait == 0) {
            break;
          }
          if (now + wait > deadline) {
            throw new Throttled(Duration.ofNanos(wait));
          }
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      } catch (Throttled | InterruptedException e) {
        inFlight.release();
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Throttled(maxWait);
    }
    peak.accumulateAndGet(current.incrementAndGet(), Math::max);
    return () -> {
      current.decrementAndGet();
      inFlight.release();
    };
  }

  /** Graph said 429 with Retry-After: nobody starts a request before it has passed. */
  public void slowDown(Duration retryAfter) {
    bucket.pauseUntil(nanoTime.getAsLong() + retryAfter.toNanos());
  }

  /** The most requests that were in flight at once, for benchmarks. */
  public int peakConcurrency() {
    return peak.get();
  }

  /** A token bucket on a nanosecond clock, with a pause; deterministic for a given sequence of times. */
  static final class TokenBucket {
    private final double ratePerNano;
    private final double capacity;
    private double tokens;
    private long last;
    private long pausedUntil;

    TokenBucket(double ratePerSecond, double capacity, long now) {
      this.ratePerNano = ratePerSecond / 1e9;
      this.capacity = capacity;
      this.tokens = capacity;
      this.last = now;
      this.pausedUntil = now;
    }

    /** Takes a token and returns 0, or returns how long to wait before asking again (nothing taken). */
    synchronized long reserve(long now) {
      if (now - pausedUntil < 0) {
        return pausedUntil - now;
      }
      tokens = Math.min(capacity, tokens + (now - last) * ratePerNano);
      last = now;
      if (tokens >= 1.0) {
        tokens -= 1.0;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1.0 - tokens) / ratePerNano));
    }

    synchronized void pauseUntil(long until) {
      if (until - pausedUntil > 0) {
        pausedUntil = until;
        tokens = 0;
        last = until;
      }
    }
  }
}
