package io.connectorcert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** What the API server refuses before the operator ever sees it: the schema in crds/. */
class CrdSchemaTest {

  static JSONSchemaProps spec() throws IOException {
    var crd = new KubernetesSerialization().unmarshal(
        Files.readString(Path.of("crds/apiconnectorcertificates.connectorcert.io-v1.yml")),
        CustomResourceDefinition.class);
    return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema().getProperties().get("spec");
  }

  @Test
  void connectorIdCannotBeAPathAQueryOrOverlong() throws IOException {
    var connectorId = spec().getProperties().get("connectorId");
    assertThat(connectorId.getMaxLength()).isEqualTo(128L);
    var pattern = Pattern.compile(connectorId.getPattern());
    assertThat(pattern.matcher("45715bb8-13f9-4bf6-927f-ef96c102d394").matches()).isTrue();
    for (var bad : new String[] {"../../users", "a/b", "a?b=c", "a%2Fb", "a b", "", "-leading", "x#y"}) {
      assertThat(pattern.matcher(bad).matches()).as(bad).isFalse();
    }
    assertThat(spec().getRequired()).contains("connectorId", "secretRef");
  }

  @Test
  void secretReferencesHaveNoNamespaceSoTheyStayInTheResourcesNamespace() throws IOException {
    for (var ref : new String[] {"secretRef", "passwordSecretRef", "credentialsRef"}) {
      assertThat(spec().getProperties().get(ref).getProperties()).as(ref).doesNotContainKey("namespace")
          .containsKey("name");
    }
  }
}
