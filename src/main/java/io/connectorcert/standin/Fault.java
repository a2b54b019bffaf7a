package io.connectorcert.standin;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * A one-shot misbehaviour of the stand-in, queued with {@link GraphStandIn#failNext(Fault)}. A fault scoped to a method
 * ({@link #onlyFor(String)}) waits for the first request with that method; otherwise the next request takes it.
 *
 * @param kind what happens
 * @param status the HTTP status answered (0 for {@link Kind#DELAY})
 * @param retryAfterHeader the raw Retry-After value to send, or null for none
 * @param delay how long to wait before answering ({@link Kind#DELAY}), else zero
 * @param method "GET"/"POST" when scoped, else null
 * @param connectorId the one connector whose requests take this fault, else null (any)
 */
public record Fault(Kind kind, int status, String retryAfterHeader, Duration delay, String method,
    String connectorId) {

  public enum Kind {
    /** Answer the status with a Graph error body, without applying anything (429, 503, 500, ...). */
    ERROR,
    /** Apply the request (an upload is stored), then answer 504 as a gateway would. */
    GATEWAY_TIMEOUT_AFTER_APPLY,
    /** Wait, then behave normally. */
    DELAY,
    /** Answer (200 unless told) with {@code Content-Type: application/json} and a body that is not JSON. */
    MALFORMED_200,
    /** Answer 200 with no body and no JSON content type; nothing applied. */
    EMPTY_200
  }

  public Fault {
    Objects.requireNonNull(kind, "kind");
    delay = delay == null ? Duration.ZERO : delay;
    method = method == null ? null : method.toUpperCase(Locale.ROOT);
  }

  /** 429 TooManyRequests with {@code Retry-After: <whole seconds>}. */
  public static Fault tooManyRequests(Duration retryAfter) {
    return new Fault(Kind.ERROR, 429, seconds(retryAfter), Duration.ZERO, null, null);
  }

  /** 503 ServiceUnavailable without Retry-After. */
  public static Fault serviceUnavailable() {
    return new Fault(Kind.ERROR, 503, null, Duration.ZERO, null, null);
  }

  /** 503 ServiceUnavailable with {@code Retry-After: <whole seconds>}. */
  public static Fault serviceUnavailable(Duration retryAfter) {
    return new Fault(Kind.ERROR, 503, seconds(retryAfter), Duration.ZERO, null, null);
  }

  /** Any error status, with Graph's error body. */
  public static Fault status(int status) {
    return new Fault(Kind.ERROR, status, null, Duration.ZERO, null, null);
  }

  /** The request is applied (an upload lands in the list), then 504 GatewayTimeout is answered. */
  public static Fault gatewayTimeoutAfterApply() {
    return new Fault(Kind.GATEWAY_TIMEOUT_AFTER_APPLY, 504, null, Duration.ZERO, null, null);
  }

  public static Fault delay(Duration delay) {
    return new Fault(Kind.DELAY, 0, null, delay, null, null);
  }

  public static Fault malformed200() {
    return malformed(200);
  }

  /** Answer this status with {@code Content-Type: application/json} and a body that is not JSON (a broken gateway). */
  public static Fault malformed(int status) {
    return new Fault(Kind.MALFORMED_200, status, null, Duration.ZERO, null, null);
  }

  public static Fault empty200() {
    return new Fault(Kind.EMPTY_200, 200, null, Duration.ZERO, null, null);
  }

  /** The same fault with a raw Retry-After value (e.g. "1.5" or an HTTP date). */
  public Fault withRetryAfterHeader(String raw) {
    return new Fault(kind, status, raw, delay, method, connectorId);
  }

  /** The same fault, taken only by a request with this method (GET, POST). */
  public Fault onlyFor(String httpMethod) {
    return new Fault(kind, status, retryAfterHeader, delay, httpMethod, connectorId);
  }

  /** The same fault, taken only by a request for this connector. */
  public Fault forConnector(String id) {
    return new Fault(kind, status, retryAfterHeader, delay, method, id);
  }

  boolean matches(String httpMethod, String requestConnectorId) {
    return (method == null || method.equalsIgnoreCase(httpMethod))
        && (connectorId == null || connectorId.equals(requestConnectorId));
  }

  private static String seconds(Duration d) {
    if (d == null) {
      return null;
    }
    long millis = d.toMillis();
    return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
  }
}
