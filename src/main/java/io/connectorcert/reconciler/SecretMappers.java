package io.connectorcert.reconciler;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.credentials.CredentialsSecret;
import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.IndexedResourceCache;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Maps between a resource and the Secrets it names (certificate, password, credentials, and the namespace's default
 * credentials), both ways. The Secret-to-resource
 * direction goes through an index on the primary cache, so a renewed Secret wakes exactly the resources that name it.
 */
public final class SecretMappers {

  public static final String SECRET_INDEX = "referenced-secrets";

  private SecretMappers() {}

  /** Index keys of a resource: one per Secret it names. */
  public static List<String> secretIndexKeys(ApiConnectorCertificate resource) {
    return resourceToSecrets(resource).stream().map(SecretMappers::indexKey).toList();
  }

  /** The Secrets a resource names, in its own namespace. */
  public static Set<ResourceID> resourceToSecrets(ApiConnectorCertificate resource) {
    var namespace = resource.getMetadata().getNamespace();
    var spec = resource.getSpec();
    var ids = new LinkedHashSet<ResourceID>();
    if (spec == null) {
      return ids;
    }
    if (spec.secretRef() != null && spec.secretRef().name() != null) {
      ids.add(new ResourceID(spec.secretRef().name(), namespace));
    }
    if (spec.passwordSecretRef() != null && spec.passwordSecretRef().name() != null) {
      ids.add(new ResourceID(spec.passwordSecretRef().name(), namespace));
    }
    if (spec.credentialsRef() != null && spec.credentialsRef().name() != null) {
      ids.add(new ResourceID(spec.credentialsRef().name(), namespace));
    }
    // the namespace's default credentials apply to every resource without credentialsRef: watch it for them all
    ids.add(new ResourceID(CredentialsSecret.NAMESPACE_DEFAULT_NAME, namespace));
    return ids;
  }

  /** The resources that name this Secret, from the primary cache's index. */
  public static Set<ResourceID> secretToResources(IndexedResourceCache<ApiConnectorCertificate> primaries,
      Secret secret) {
    return primaries.byIndex(SECRET_INDEX, indexKey(ResourceID.fromResource(secret))).stream()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  static String indexKey(ResourceID secret) {
    return secret.getNamespace().orElse("") + "/" + secret.getName();
  }
}
