package io.connectorcert.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.CertificateSecretRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

class ConnectorClaimsTest {

  static ApiConnectorCertificate resource(String namespace, String name, String created) {
    var resource = new ApiConnectorCertificate();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withUid(namespace + name)
        .withCreationTimestamp(created).build());
    resource.setSpec(new ApiConnectorCertificateSpec("conn", new CertificateSecretRef("tls", null), null));
    return resource;
  }

  @Test
  void theFirstCreatedKeepsTheConnector() {
    var older = resource("b", "older", "2026-01-01T00:00:00Z");
    var newer = resource("a", "newer", "2026-02-01T00:00:00Z");
    var all = List.of(newer, older);

    assertThat(ConnectorClaims.ownerOtherThan(older, all)).isEmpty();
    assertThat(ConnectorClaims.ownerOtherThan(newer, all)).contains(older);
  }

  @Test
  void aTieOnCreationTimeIsBrokenByNamespaceAndName() {
    var first = resource("a", "x", "2026-01-01T00:00:00Z");
    var second = resource("a", "y", "2026-01-01T00:00:00Z");
    assertThat(ConnectorClaims.ownerOtherThan(second, List.of(second, first))).contains(first);
    assertThat(ConnectorClaims.ownerOtherThan(first, List.of(second, first))).isEmpty();
  }

  @Test
  void aloneThereIsNoConflict() {
    var only = resource("a", "x", "2026-01-01T00:00:00Z");
    assertThat(ConnectorClaims.ownerOtherThan(only, List.of(only))).isEmpty();
    assertThat(ConnectorClaims.connectorIndexKeys(only)).containsExactly("conn");
  }
}
