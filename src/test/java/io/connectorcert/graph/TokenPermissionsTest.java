package io.connectorcert.graph;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

class TokenPermissionsTest {

  static String jwt(String claims) {
    var encoder = Base64.getUrlEncoder().withoutPadding();
    return encoder.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
  }

  @Test
  void anAppTokenWithoutTheRoleIsRefusedNamingAppTenantAndRoles() {
    var token = jwt("{\"tid\":\"t-1\",\"appid\":\"app-1\",\"roles\":[\"User.Read.All\"]}");
    assertThat(TokenPermissions.missingPermission(token)).hasValueSatisfying(why -> assertThat(why)
        .contains("app-1").contains("t-1").contains("User.Read.All").contains("APIConnectors.ReadWrite.All")
        .doesNotContain(token));
    assertThat(TokenPermissions.missingPermission(jwt("{\"tid\":\"t-1\",\"appid\":\"app-1\"}"))).isPresent();
  }

  @Test
  void anAppTokenWithTheRoleADelegatedTokenAndAnOpaqueTokenPass() {
    assertThat(TokenPermissions.missingPermission(
        jwt("{\"tid\":\"t\",\"roles\":[\"APIConnectors.ReadWrite.All\"]}"))).isEmpty();
    assertThat(TokenPermissions.missingPermission(jwt("{\"tid\":\"t\",\"scp\":\"APIConnectors.ReadWrite.All\"}")))
        .isEmpty();
    assertThat(TokenPermissions.missingPermission("opaque-token")).isEmpty();
    assertThat(TokenPermissions.missingPermission("a.b.c")).isEmpty();
  }
}
