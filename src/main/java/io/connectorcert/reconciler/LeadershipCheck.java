package io.connectorcert.reconciler;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Whether this replica may send an upload now. With leader election, only while it holds the Lease and the Lease
 * stays valid for longer than the upload may take: a replica cut off from the API server, or one that lost the Lease
 * and has not noticed yet, never posts beside a new leader.
 */
@FunctionalInterface
public interface LeadershipCheck {

  /** Without leader election every replica is alone. */
  LeadershipCheck ALONE = () -> Optional.empty();

  /** Empty when an upload may go out now; else why not (no secret in it). */
  Optional<String> refusal();

  /**
   * Reads the Lease from the API server (not from a cache): held by {@code identity}, renewed recently enough that it
   * is valid for {@code uploadBudget} more.
   */
  static LeadershipCheck lease(KubernetesClient client, String namespace, String name, String identity,
      Duration uploadBudget, Clock clock) {
    return () -> {
      try {
        var lease = client.leases().inNamespace(namespace).withName(name).get();
        var spec = lease == null ? null : lease.getSpec();
        if (spec == null || !identity.equals(spec.getHolderIdentity())) {
          return Optional.of("this replica (" + identity + ") does not hold the Lease " + namespace + "/" + name);
        }
        if (spec.getRenewTime() == null || spec.getLeaseDurationSeconds() == null) {
          return Optional.of("the Lease " + namespace + "/" + name + " has no renew time");
        }
        var validUntil = spec.getRenewTime().toInstant().plusSeconds(spec.getLeaseDurationSeconds());
        if (clock.instant().plus(uploadBudget).isAfter(validUntil)) {
          return Optional.of("the Lease " + namespace + "/" + name + " is valid until " + validUntil
              + ", too soon for an upload that may take " + uploadBudget);
        }
        return Optional.empty();
      } catch (KubernetesClientException e) {
        return Optional.of("cannot read the Lease " + namespace + "/" + name + " (HTTP " + e.getCode() + ")");
      }
    };
  }
}
