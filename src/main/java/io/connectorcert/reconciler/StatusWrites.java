package io.connectorcert.reconciler;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;

/**
 * Writes the status so that neither a stale cache nor a concurrent writer can misapply it, and so that the next
 * reconcile sees it: a replace of the status subresource that carries the resourceVersion it was computed from
 * (optimistic locking: 409 when the object moved on), computed again from the newer copy on a conflict, and put in
 * JOSDK's cache as soon as the API server has taken it (JOSDK's {@link PrimaryUpdateAndCacheUtils}).
 */
final class StatusWrites {

  /**
   * The status the write replaced and the one it wrote (equal when nothing needed writing), and the resource as it
   * is now, for a further write in the same reconcile.
   */
  record Written(ApiConnectorCertificateStatus before, ApiConnectorCertificateStatus after,
      ApiConnectorCertificate resource) {
    boolean changed() {
      return !Objects.equals(before, after);
    }
  }

  private StatusWrites() {}

  /**
   * @param desired the status for a copy of the resource: pure, so that it can be computed again against the newer
   *     copy after a conflict
   */
  static Written write(ApiConnectorCertificate resource, Context<ApiConnectorCertificate> context,
      Function<ApiConnectorCertificate, ApiConnectorCertificateStatus> desired) {
    var status = desired.apply(resource);
    if (Objects.equals(resource.getStatus(), status)) {
      return new Written(status, status, resource);
    }
    var before = new AtomicReference<ApiConnectorCertificateStatus>();
    var after = new AtomicReference<ApiConnectorCertificateStatus>();
    var updated = PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(resource, context, copy -> {
      before.set(copy.getStatus());
      after.set(copy == resource ? status : desired.apply(copy));
      copy.setStatus(after.get());
      return copy;
    });
    return new Written(before.get(), after.get(), updated);
  }
}
