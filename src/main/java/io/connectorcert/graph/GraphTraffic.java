package io.connectorcert.graph;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The operator's Graph traffic, sized the way Graph throttles it.
 *
 * <ul>
 *   <li>One {@link Lane} per (Graph cloud, tenant, application): Graph's identity and access budgets are per
 *       application and tenant, so each lane has its own request rate, its own write rate and its own pause after a
 *       429. A tenant that Graph throttles holds back only its own calls.
 *   <li>One bound on requests in flight for the whole operator ({@code GRAPH_MAX_CONCURRENCY}): the operator's own
 *       threads, sockets and memory.
 * </ul>
 *
 * <p>A call takes its permit <em>before</em> it starts, so waiting for a permit never eats into the call's timeout.
 * Waiting for the operator's own budgets (rate, concurrency) has no bound: permits are handed out first come, first
 * served, and the queue drains at the budget's pace, so local queueing never becomes a failure. Only a pause that
 * Graph itself ordered (429 with Retry-After) longer than {@code maxPauseWait} turns a call away, as
 * {@link PausedByGraph}: that is Graph's throttling, reported with its Retry-After.
 */
public final class GraphTraffic {

  /**
   * The budget of one (cloud, tenant, application) lane.
   *
   * @param requestsPerSecond requests started per second, without burst (every request costs at least one of Graph's
   *     ResourceUnits)
   * @param writesPerSecond writes (POST) per second, sustained
   * @param writeBurst writes that may go at once when the lane has been quiet
   */
  public record Budget(double requestsPerSecond, double writesPerSecond, double writeBurst) {

    /**
     * Graph's write quota counts over 150 s ("3,000 requests per 2 minutes and 30 seconds" per application+tenant
     * pair): a lane that refills {@code writesPerSecond} holds at most 150 s of it, so it never sends more than
     * {@code 2 x 150 x writesPerSecond} writes in any 150 s.
     */
    public static final Duration WRITE_WINDOW = Duration.ofSeconds(150);

    public Budget {
      if (!(requestsPerSecond > 0) || !(writesPerSecond > 0) || !(writeBurst >= 1)) {
        throw new IllegalArgumentException("a budget needs positive rates and a burst of at least 1");
      }
    }

    /** {@code requestsPerSecond} and {@code writesPerSecond}, with the write burst Graph's write window allows. */
    public static Budget of(double requestsPerSecond, double writesPerSecond) {
      return new Budget(requestsPerSecond, writesPerSecond,
          Math.max(1, writesPerSecond * WRITE_WINDOW.toSeconds()));
    }
  }

  /** Whose budget a call spends: Graph throttles per application (client) and tenant, in each cloud. */
  public record Key(URI graphEndpoint, String tenantId, String clientId) {
    public Key {
      Objects.requireNonNull(graphEndpoint, "graphEndpoint");
      Objects.requireNonNull(tenantId, "tenantId");
      Objects.requireNonNull(clientId, "clientId");
    }
  }

  /** Graph paused this lane (429 with Retry-After) for longer than a caller waits: not sent. */
  public static final class PausedByGraph extends Exception {
    private final Duration remaining;

    PausedByGraph(Duration remaining) {
      super("Graph throttled this application in this tenant (429): calls held back for another "
          + remaining.toMillis() + " ms", null, false, false);
      this.remaining = remaining;
    }

    public Duration remaining() {
      return remaining;
    }
  }

  /** Held for the duration of one Graph call. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /** How a caller waits; tests pass a fake clock and sleeper. */
  @FunctionalInterface
  public interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final Semaphore inFlight;
  private final Budget budget;
  private final Duration maxPauseWait;
  private final LongSupplier nanoTime;
  private final Sleeper sleeper;
  private final Map<Key, Lane> lanes = new ConcurrentHashMap<>();
  private final AtomicInteger current = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();

  public GraphTraffic(int maxConcurrent, Budget perLane, Duration maxPauseWait, LongSupplier nanoTime,
      Sleeper sleeper) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException("maxConcurrent must be at least 1");
    }
    // fair: first come, first served, so no caller starves behind later ones
    this.inFlight = new Semaphore(maxConcurrent, true);
    this.budget = Objects.requireNonNull(perLane, "perLane");
    this.maxPauseWait = Objects.requireNonNull(maxPauseWait, "maxPauseWait");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** The operator's traffic: {@code maxConcurrent} in flight in all, {@code perLane} for each tenant and app. */
  public static GraphTraffic of(int maxConcurrent, Budget perLane) {
    return new GraphTraffic(maxConcurrent, perLane, Duration.ofSeconds(10), System::nanoTime,
        TimeUnit.NANOSECONDS::sleep);
  }

  /** No budget: for tools and tests that make a handful of calls. */
  public static GraphTraffic unlimited() {
    return of(Integer.MAX_VALUE, new Budget(1e9, 1e9, 1e9));
  }

  /** The lane of one (cloud, tenant, application); the same object for the same key. */
  public Lane lane(Key key) {
    return lanes.computeIfAbsent(Objects.requireNonNull(key, "key"), k -> new Lane());
  }

  /** The most calls that were in flight at once, for benchmarks. */
  public int peakConcurrency() {
    return peak.get();
  }

  /** The budget of one (cloud, tenant, application): its own rates and its own pause after a 429. */
  public final class Lane {
    private final Schedule requests = new Schedule(budget.requestsPerSecond(), 1, nanoTime.getAsLong());
    private final Schedule writes = new Schedule(budget.writesPerSecond(), budget.writeBurst(), nanoTime.getAsLong());
    private volatile long pausedUntil = nanoTime.getAsLong();

    private Lane() {}

    /**
     * Waits for this lane's rate (and write rate, for a write), then for a slot among the operator's calls in
     * flight. Call it before the call starts.
     *
     * @throws PausedByGraph when Graph paused this lane for longer than the caller waits
     * @throws InterruptedException when the thread is interrupted while waiting (the operator is stopping)
     */
    public Permit acquire(boolean write) throws PausedByGraph, InterruptedException {
      while (true) {
        var now = nanoTime.getAsLong();
        var paused = pausedUntil - now;
        if (paused > 0) {
          if (paused > maxPauseWait.toNanos()) {
            throw new PausedByGraph(Duration.ofNanos(paused));
          }
          sleeper.sleepNanos(paused);
          continue;
        }
        var wait = requests.reserve(now);
        if (write) {
          wait = Math.max(wait, writes.reserve(now));
        }
        if (wait > 0) {
          sleeper.sleepNanos(wait);
        }
        if (pausedUntil - nanoTime.getAsLong() <= 0) {
          break;
        }
        // a 429 came in while this caller waited: its turn is after the pause
      }
      inFlight.acquire();
      peak.accumulateAndGet(current.incrementAndGet(), Math::max);
      return () -> {
        current.decrementAndGet();
        inFlight.release();
      };
    }

    /** Graph answered 429 with this Retry-After: nobody in this lane starts a call before it has passed. */
    public void pause(Duration retryAfter) {
      var until = nanoTime.getAsLong() + retryAfter.toNanos();
      synchronized (this) {
        if (until - pausedUntil > 0) {
          pausedUntil = until;
        }
      }
      requests.notBefore(until);
      writes.notBefore(until);
    }
  }

  /**
   * A token bucket kept as a schedule (the generic cell rate algorithm): each caller reserves the next start time
   * the rate allows and waits for it, so callers go in the order they asked. {@code burst} starts may go at once
   * after a quiet spell. Deterministic for a given sequence of times.
   */
  static final class Schedule {
    private final long interval;
    private final long tolerance;
    /** When the next start would be due if every earlier one had gone at its due time. */
    private long due;

    Schedule(double perSecond, double burst, long now) {
      this.interval = Math.max(1, (long) Math.ceil(1e9 / perSecond));
      this.tolerance = (long) Math.min(Long.MAX_VALUE / 4, (burst - 1) * (double) interval);
      this.due = now;
    }

    /** Reserves a start and returns how long to wait for it (0: start now). */
    synchronized long reserve(long now) {
      var base = due - now > 0 ? due : now;
      var start = base - tolerance - now > 0 ? base - tolerance : now;
      due = base + interval;
      return start - now;
    }

    /** No start before {@code until}, and no burst saved up across it. */
    synchronized void notBefore(long until) {
      if (until + tolerance - due > 0) {
        due = until + tolerance;
      }
    }
  }
}
