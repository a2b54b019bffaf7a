package io.connectorcert.graph;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Reads the claims of an Entra access token, to say "the app lacks APIConnectors.ReadWrite.All" before Graph answers
 * 403. Pure; opaque (non-JWT) tokens and delegated tokens ({@code scp}) are not judged. Never returns the token.
 */
public final class TokenPermissions {

  public static final String REQUIRED_ROLE = "APIConnectors.ReadWrite.All";
  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenPermissions() {}

  /** Why this token cannot upload, if its claims show it. */
  public static Optional<String> missingPermission(String accessToken) {
    var claims = claims(accessToken);
    if (claims.isEmpty() || claims.get().has("scp")) {
      return Optional.empty();
    }
    var roles = new ArrayList<String>();
    claims.get().path("roles").forEach(role -> roles.add(role.asText()));
    if (roles.contains(REQUIRED_ROLE)) {
      return Optional.empty();
    }
    var app = claims.get().path("appid").asText(claims.get().path("azp").asText("?"));
    return Optional.of("the access token of application " + app + " in tenant " + claims.get().path("tid").asText("?")
        + " carries roles " + roles + " without " + REQUIRED_ROLE);
  }

  private static Optional<JsonNode> claims(String token) {
    var parts = token == null ? new String[0] : token.split("\\.");
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      var node = JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
      return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
    } catch (Exception notAJwt) {
      return Optional.empty();
    }
  }
}
