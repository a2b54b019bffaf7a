package io.connectorcert.credentials;

/**
 * No token for a ServiceAccount. Thrown from inside azure-identity's client assertion callback and found again in the
 * cause chain of the failed Graph call. The message names the ServiceAccount and its namespace, never a token.
 */
public final class ServiceAccountTokenException extends RuntimeException {

  public enum Kind {
    /** The ServiceAccount does not exist (404): the user's to fix. */
    NOT_FOUND,
    /** The operator may not request its tokens (403): RBAC to fix. */
    FORBIDDEN,
    /** Kubernetes refused the request for another reason (4xx). */
    REJECTED,
    /** Kubernetes unreachable or 5xx / 429: worth retrying. */
    UNAVAILABLE
  }

  private final Kind kind;

  public ServiceAccountTokenException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
