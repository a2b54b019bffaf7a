package io.connectorcert.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The suite-wide scan finds what it must, and does not cry wolf over public values. */
class SecretRegistryTest {

  @Test
  void findsPasswordsAndFragmentsOfKeyMaterialButNotPublicIds() {
    SecretRegistry.secretValue("password", "Registry-Probe-Password".getBytes(StandardCharsets.UTF_8));
    var keyMaterial = new byte[256];
    new java.util.Random(99).nextBytes(keyMaterial);
    SecretRegistry.secretValue("keystore.p12", keyMaterial);
    SecretRegistry.secretValue("tenantId", "99999999-9999-9999-9999-999999999999".getBytes(StandardCharsets.UTF_8));
    var fragment = Base64.getEncoder().encodeToString(keyMaterial).substring(40, 60);

    assertThat(SecretRegistry.hits(List.of("login failed for Registry-Probe-Password"))).hasSize(1);
    assertThat(SecretRegistry.hits(List.of("dumped " + fragment + " oops"))).hasSize(1);
    assertThat(SecretRegistry.hits(List.of("tenant 99999999-9999-9999-9999-999999999999 ok"))).isEmpty();
  }
}
