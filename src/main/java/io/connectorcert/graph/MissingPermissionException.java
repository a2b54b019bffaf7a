package io.connectorcert.graph;

/** The token is there, but its claims show the app may not upload: a 403 foretold, without calling Graph. */
final class MissingPermissionException extends RuntimeException {

  MissingPermissionException(String message) {
    super(message, null, false, false);
  }
}
