package io.connectorcert.standin;

import java.time.Instant;

/**
 * One request the stand-in answered. Never holds the body (certificate material, password).
 *
 * @param method GET, POST, ...
 * @param path the path after the API version, e.g. {@code /identity/apiConnectors/abc/uploadClientCertificate}
 * @param apiVersion "beta", "v1.0", or "" when the path named no known version
 * @param status the HTTP status answered
 * @param token the bearer token the request carried, or null when it carried none
 * @param requestId the request-id answered
 * @param time when the request arrived (stand-in clock)
 */
public record RecordedRequest(String method, String path, String apiVersion, int status, String token,
    String requestId, Instant time) {

  public boolean isUpload() {
    return "POST".equals(method) && path.toLowerCase(java.util.Locale.ROOT).endsWith("/uploadclientcertificate");
  }

  @Override
  public String toString() {
    return method + " /" + apiVersion + path + " -> " + status + " (request-id " + requestId + ")";
  }
}
