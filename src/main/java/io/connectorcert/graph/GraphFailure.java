package io.connectorcert.graph;

import java.time.Duration;
import java.util.Optional;

/**
 * A Graph call that did not succeed, classified by what the operator should do about it. The message carries Graph's
 * status, error code and request-id, never a token or certificate material.
 */
public final class GraphFailure extends Exception {

  public enum Kind {
    /** 404: the connector id names nothing in this tenant. */
    NOT_FOUND,
    /** 403: the app lacks APIConnectors.ReadWrite.All. */
    FORBIDDEN,
    /** 401, or Entra (or azure-identity) refused to issue a token. */
    UNAUTHENTICATED,
    /** Any other 4xx: Graph refused the request. */
    REJECTED,
    /**
     * 429, 409 (a concurrent change), 5xx, timeouts, network; no token because the token endpoint did not answer or
     * azure-identity reports its credential unavailable; or not sent because Graph paused this tenant and
     * application: worth retrying with backoff. An upload's outcome is then unknown.
     */
    UNAVAILABLE
  }

  /** The ServiceAccount a credentials Secret names in serviceAccountName does not exist: the user's to fix. */
  public static final String SERVICE_ACCOUNT_NOT_FOUND = "ServiceAccountNotFound";

  private final Kind kind;
  private final int httpStatus;
  private final String errorCode;
  private final String requestId;
  private final Duration retryAfter;

  public GraphFailure(Kind kind, int httpStatus, String errorCode, String requestId, Duration retryAfter,
      String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status, or 0 when no response came. */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * Graph's error code, the AADSTS code of a failed token request, or for a ServiceAccount token that could not be had
   * (TokenRequest refused) {@link #SERVICE_ACCOUNT_NOT_FOUND}, {@code ServiceAccountForbidden},
   * {@code ServiceAccountRejected} or {@code ServiceAccountUnavailable}.
   */
  public Optional<String> errorCode() {
    return Optional.ofNullable(errorCode);
  }

  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** Graph's Retry-After, when it sent one. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  static String serviceAccountErrorCode(io.connectorcert.credentials.ServiceAccountTokenException.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> SERVICE_ACCOUNT_NOT_FOUND;
      case FORBIDDEN -> "ServiceAccountForbidden";
      case REJECTED -> "ServiceAccountRejected";
      case UNAVAILABLE -> "ServiceAccountUnavailable";
    };
  }
}
