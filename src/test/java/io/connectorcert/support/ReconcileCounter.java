package io.connectorcert.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;

/** Counts the reconciles JOSDK runs, per resource name: the measure of a hot loop. */
public final class ReconcileCounter implements Metrics {

  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    counts.computeIfAbsent(resource.getMetadata().getName(), k -> new AtomicInteger()).incrementAndGet();
  }

  public int of(String name) {
    var count = counts.get(name);
    return count == null ? 0 : count.get();
  }
}
