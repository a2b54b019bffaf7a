package io.connectorcert.kube;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * What the operator keeps of Secrets: the informer holds every watched Secret's metadata only ({@link #METADATA_ONLY}),
 * so unrelated Secrets (Helm releases, tokens, other teams' keys) cost a few hundred bytes each, not their data; the
 * data of a Secret that a resource names is read from the API server when its resourceVersion changes, and kept for
 * as long as that version stands.
 *
 * <p>Thread-safe. Holds at most {@code maxSecrets} Secrets' data; the least recently used go first.
 */
public final class SecretContents {

  /** The informer's transform: name, namespace, uid and resourceVersion; no data, labels or managed fields. */
  public static final UnaryOperator<Secret> METADATA_ONLY = secret -> {
    var metadata = secret.getMetadata();
    var slim = new Secret();
    slim.setMetadata(new ObjectMetaBuilder().withName(metadata.getName()).withNamespace(metadata.getNamespace())
        .withUid(metadata.getUid()).withResourceVersion(metadata.getResourceVersion()).build());
    return slim;
  };

  private final KubernetesClient client;
  private final Map<ResourceID, Secret> read;

  public SecretContents(KubernetesClient client, int maxSecrets) {
    this.client = client;
    this.read = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ResourceID, Secret> eldest) {
        return size() > maxSecrets;
      }
    };
  }

  /**
   * The whole Secret whose metadata the informer holds: from memory when its version is the one read last, else from
   * the API server. Empty when it is gone meanwhile.
   */
  public Optional<Secret> whole(Secret cached) {
    var id = ResourceID.fromResource(cached);
    var version = cached.getMetadata().getResourceVersion();
    synchronized (read) {
      var known = read.get(id);
      if (known != null && Objects.equals(known.getMetadata().getResourceVersion(), version)) {
        return Optional.of(known);
      }
    }
    var fresh = client.secrets().inNamespace(id.getNamespace().orElseThrow()).withName(id.getName()).get();
    synchronized (read) {
      if (fresh == null) {
        read.remove(id);
        return Optional.empty();
      }
      read.put(id, fresh);
      return Optional.of(fresh);
    }
  }

  /** How many Secrets' data is held, for tests and benchmarks. */
  public int held() {
    synchronized (read) {
      return read.size();
    }
  }
}
