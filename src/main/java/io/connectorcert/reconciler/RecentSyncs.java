package io.connectorcert.reconciler;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Passes that follow a successful sync within moments and change none of its inputs would read Graph again for
 * nothing: at a restart, the Secret informer's first events arrive while each resource's first pass is still running,
 * and JOSDK runs a second pass after it. Remembers, per resource, the inputs of its last successful sync and until when
 * that sync stands; a pass with the same inputs before then has nothing to do.
 */
final class RecentSyncs {

  /**
   * What a pass depends on besides Graph: the spec's generation, the versions of the Secrets it names, and the
   * resource that keeps its connector if another one does.
   */
  record Inputs(Long generation, List<String> secretVersions, String connectorOwner) {}

  private record Sync(Inputs inputs, Instant standsUntil) {}

  private final Map<String, Sync> byResource = new ConcurrentHashMap<>();

  /** Whether a sync with these inputs still stands at {@code now}. */
  boolean stands(String resourceUid, Inputs inputs, Instant now) {
    var last = byResource.get(resourceUid);
    return last != null && last.inputs().equals(inputs) && now.isBefore(last.standsUntil());
  }

  /** A pass with these inputs ended in sync; it stands until {@code until} (a resync or a timed look comes then). */
  void synced(String resourceUid, Inputs inputs, Instant until) {
    byResource.put(resourceUid, new Sync(inputs, until));
  }

  void forget(String resourceUid) {
    byResource.remove(resourceUid);
  }
}
