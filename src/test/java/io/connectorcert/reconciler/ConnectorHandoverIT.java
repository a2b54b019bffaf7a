package io.connectorcert.reconciler;

import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.READY;
import static io.connectorcert.support.TestCertificates.Encoding.LEGACY_RC2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.CertificateSecretRef;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.support.OperatorHarness;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

/**
 * Two resources naming one connector: the later one waits, and takes over within seconds (not at the 10-minute
 * resync) when the owner is deleted or names another connector. A waiting resource never learns the name of an owner
 * in another namespace.
 */
class ConnectorHandoverIT {

  static final Duration HANDOVER = Duration.ofSeconds(5);
  static final String OTHER_NAMESPACE = "team-b";

  @TempDir
  static Path dir;
  static OperatorHarness harness;
  static TestCertificates.Generated ownerCertificate;
  static TestCertificates.Generated waiterCertificate;

  @BeforeAll
  static void start() {
    harness = OperatorHarness.start(Map.of());
    assertThat(harness.config().resyncInterval()).isEqualTo(Duration.ofMinutes(10));
    ownerCertificate = TestCertificates.generate(dir, "owner.contoso.com");
    waiterCertificate = TestCertificates.generate(dir, "waiter.contoso.com");
    harness.client.resource(new NamespaceBuilder().withNewMetadata().withName(OTHER_NAMESPACE).endMetadata().build())
        .create();
  }

  @AfterAll
  static void stop() {
    harness.close();
  }

  private static void bothFor(String connector, String owner, String waiter) {
    harness.graph.addConnector(connector, connector, "https://api.contoso.com/" + connector);
    harness.keystoreSecret(owner + "-tls", TestCertificates.pfx(ownerCertificate, LEGACY_RC2, ""));
    harness.keystoreSecret(waiter + "-tls", TestCertificates.pfx(waiterCertificate, LEGACY_RC2, ""));
    harness.resource(owner, connector, owner + "-tls", null);
    harness.awaitReady(owner, "True", Reasons.UPLOADED);
    afterTheSecondOf(harness.get(owner).getMetadata().getCreationTimestamp());
    harness.resource(waiter, connector, waiter + "-tls", null);
    var waiting = harness.awaitReady(waiter, "False", Reasons.CONNECTOR_CONFLICT);
    assertThat(waiting.condition(READY).orElseThrow().getMessage()).contains("ApiConnectorCertificate " + owner);
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
  }

  @Test
  void whenTheOwnerIsDeletedTheWaitingResourceTakesOverWithinSeconds() {
    bothFor("conn-handover-delete", "first-owner", "second-waiter");

    harness.client.resources(ApiConnectorCertificate.class).inNamespace(OperatorHarness.NAMESPACE)
        .withName("first-owner").delete();

    await().atMost(HANDOVER).pollInterval(Duration.ofMillis(100)).until(() -> harness.get("second-waiter")
        .getStatus().condition(READY).filter(c -> Reasons.UPLOADED.equals(c.getReason())).isPresent());
    assertThat(harness.get("second-waiter").getStatus().uploadedThumbprint())
        .isEqualTo(waiterCertificate.opensslThumbprint());
    assertThat(harness.graph.uploads("conn-handover-delete")).isEqualTo(2);
  }

  @Test
  void whenTheOwnerNamesAnotherConnectorTheWaitingResourceTakesOverWithinSeconds() {
    bothFor("conn-handover-move", "moving-owner", "moving-waiter");
    harness.graph.addConnector("conn-elsewhere", "elsewhere", "https://api.contoso.com/elsewhere");

    harness.client.resources(ApiConnectorCertificate.class).inNamespace(OperatorHarness.NAMESPACE)
        .withName("moving-owner").edit(r -> {
          var spec = r.getSpec();
          r.setSpec(new ApiConnectorCertificateSpec("conn-elsewhere", spec.secretRef(), spec.passwordSecretRef()));
          return r;
        });

    await().atMost(HANDOVER).pollInterval(Duration.ofMillis(100)).until(() -> harness.get("moving-waiter")
        .getStatus().condition(READY).filter(c -> Reasons.UPLOADED.equals(c.getReason())).isPresent());
    harness.awaitStatus("moving-owner", s -> s.connector() != null && "conn-elsewhere".equals(s.connector().id()));
    assertThat(harness.graph.uploads("conn-handover-move")).isEqualTo(2);
    assertThat(harness.graph.uploads("conn-elsewhere")).isEqualTo(1);
  }

  @Test
  void anOwnerInAnotherNamespaceIsNotNamed() {
    var connector = "conn-handover-foreign";
    harness.graph.addConnector(connector, connector, "https://api.contoso.com/foreign");
    harness.secret(OTHER_NAMESPACE, "secret-team-tls",
        Map.of("keystore.p12", TestCertificates.pfx(ownerCertificate, LEGACY_RC2, "")));
    var foreign = new ApiConnectorCertificate();
    foreign.setMetadata(new ObjectMetaBuilder().withName("secret-team-owner").withNamespace(OTHER_NAMESPACE).build());
    foreign.setSpec(new ApiConnectorCertificateSpec(connector, new CertificateSecretRef("secret-team-tls", null),
        null));
    var created = harness.client.resource(foreign).create().getMetadata().getCreationTimestamp();
    await().atMost(Duration.ofSeconds(30)).until(() -> harness.graph.uploads(connector) == 1);

    afterTheSecondOf(created);
    harness.keystoreSecret("curious-tls", TestCertificates.pfx(waiterCertificate, LEGACY_RC2, ""));
    harness.resource("curious", connector, "curious-tls", null);
    var waiting = harness.awaitReady("curious", "False", Reasons.CONNECTOR_CONFLICT);

    var message = waiting.condition(READY).orElseThrow().getMessage();
    assertThat(message).startsWith("A resource in another namespace").doesNotContain("secret-team")
        .doesNotContain(OTHER_NAMESPACE);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(harness.events("curious"))
        .filteredOn(e -> Reasons.CONNECTOR_CONFLICT.equals(e.getReason()))
        .singleElement()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("secret-team").doesNotContain(OTHER_NAMESPACE)));
    assertThat(harness.graph.uploads(connector)).isEqualTo(1);
  }

  /** Creation times have second precision: the next resource is created later only in a later second. */
  private static void afterTheSecondOf(String creationTimestamp) {
    var created = Instant.parse(creationTimestamp);
    await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50))
        .until(() -> Instant.now().isAfter(created.plusSeconds(1)));
  }
}
