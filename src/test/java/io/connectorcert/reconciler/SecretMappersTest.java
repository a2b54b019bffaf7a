package io.connectorcert.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.CertificateSecretRef;
import io.connectorcert.api.v1alpha1.CredentialsSecretRef;
import io.connectorcert.api.v1alpha1.PasswordSecretRef;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

class SecretMappersTest {

  static ApiConnectorCertificate resource(String namespace, String name, String secret, String passwordSecret) {
    var resource = new ApiConnectorCertificate();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    resource.setSpec(new ApiConnectorCertificateSpec("c-" + name, new CertificateSecretRef(secret, null),
        passwordSecret == null ? null : new PasswordSecretRef(passwordSecret, null)));
    return resource;
  }

  static Secret secret(String namespace, String name) {
    return new SecretBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata().build();
  }

  static final ResourceID NAMESPACE_CREDENTIALS = new ResourceID("connectorcert-credentials", "a");

  @Test
  void aResourceNamesItsSecretsAndTheNamespacesCredentialsInItsOwnNamespace() {
    assertThat(SecretMappers.resourceToSecrets(resource("a", "r", "tls", "pw")))
        .containsExactly(new ResourceID("tls", "a"), new ResourceID("pw", "a"), NAMESPACE_CREDENTIALS);
    assertThat(SecretMappers.resourceToSecrets(resource("a", "r", "tls", "tls")))
        .containsExactly(new ResourceID("tls", "a"), NAMESPACE_CREDENTIALS);
    assertThat(SecretMappers.secretIndexKeys(resource("a", "r", "tls", null)))
        .containsExactly("a/tls", "a/connectorcert-credentials");

    var withCredentials = resource("a", "r", "tls", null);
    withCredentials.setSpec(new ApiConnectorCertificateSpec("c", new CertificateSecretRef("tls", null), null,
        new CredentialsSecretRef("tenant-b"), null, null));
    assertThat(SecretMappers.resourceToSecrets(withCredentials))
        .containsExactly(new ResourceID("tls", "a"), new ResourceID("tenant-b", "a"), NAMESPACE_CREDENTIALS);
  }

  @Test
  void theNamespacesCredentialsSecretWakesEveryResourceInTheNamespace() {
    var cache = new IndexOnly(List.of(resource("a", "one", "tls", null), resource("a", "two", "other", null),
        resource("b", "three", "tls", null)));
    assertThat(SecretMappers.secretToResources(cache, secret("a", "connectorcert-credentials")))
        .containsExactlyInAnyOrder(new ResourceID("one", "a"), new ResourceID("two", "a"));
  }

  @Test
  void aSecretWakesExactlyTheResourcesThatNameItInItsNamespace() {
    var resources = List.of(
        resource("a", "one", "tls", null),
        resource("a", "two", "other", "tls"),
        resource("b", "three", "tls", null));
    var cache = new IndexOnly(resources);

    assertThat(SecretMappers.secretToResources(cache, secret("a", "tls")))
        .containsExactlyInAnyOrder(new ResourceID("one", "a"), new ResourceID("two", "a"));
    assertThat(SecretMappers.secretToResources(cache, secret("b", "tls"))).containsExactly(new ResourceID("three", "b"));
    assertThat(SecretMappers.secretToResources(cache, secret("a", "unrelated"))).isEmpty();
  }

  /** A primary cache that knows only the Secret index, computed with the operator's own index function. */
  record IndexOnly(List<ApiConnectorCertificate> resources) implements IndexedResourceCache<ApiConnectorCertificate> {
    @Override
    public List<ApiConnectorCertificate> byIndex(String indexName, String indexKey) {
      assertThat(indexName).isEqualTo(SecretMappers.SECRET_INDEX);
      var result = new ArrayList<ApiConnectorCertificate>();
      resources.stream().filter(r -> SecretMappers.secretIndexKeys(r).contains(indexKey)).forEach(result::add);
      return result;
    }

    @Override
    public Optional<ApiConnectorCertificate> get(ResourceID resourceID) {
      return Optional.empty();
    }

    @Override
    public Stream<ResourceID> keys() {
      return Stream.empty();
    }

    @Override
    public Stream<ApiConnectorCertificate> list(java.util.function.Predicate<ApiConnectorCertificate> predicate) {
      return resources.stream().filter(predicate);
    }

    @Override
    public Stream<ApiConnectorCertificate> list(String namespace,
        java.util.function.Predicate<ApiConnectorCertificate> predicate) {
      return resources.stream().filter(r -> r.getMetadata().getNamespace().equals(namespace)).filter(predicate);
    }
  }
}
