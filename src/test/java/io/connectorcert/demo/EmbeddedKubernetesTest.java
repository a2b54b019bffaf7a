package io.connectorcert.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.CertificateSecretRef;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/** The embedded Kubernetes API answers the writes a real API server refuses the way it refuses them. */
class EmbeddedKubernetesTest {

  static EmbeddedKubernetes kubernetes;

  @BeforeAll
  static void start() {
    kubernetes = EmbeddedKubernetes.start();
  }

  @AfterAll
  static void stop() {
    kubernetes.close();
  }

  static ApiConnectorCertificate create(String name) {
    var resource = new ApiConnectorCertificate();
    resource.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
    resource.setSpec(new ApiConnectorCertificateSpec("conn", new CertificateSecretRef("tls", null), null));
    return kubernetes.client().resource(resource).create();
  }

  static ApiConnectorCertificateStatus status(String reason) {
    return new ApiConnectorCertificateStatus(1L, null, null, null, null, null, null, null, null, null, null, null,
        List.of(new Condition("2026-11-22T10:00:00Z", "m", 1L, reason, "True", "Ready")));
  }

  @Test
  void aJsonPatchThatCannotBeAppliedIsAnswered422AtOnce() {
    var resource = create("unappliable");
    var failure = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> catchThrowableOfType(
        KubernetesClientException.class,
        () -> kubernetes.client().resource(resource).subresource("status").patch(PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/status/conditions/0/reason\",\"value\":\"Uploaded\"}]")));
    assertThat(failure.getCode()).isEqualTo(422);
  }

  @Test
  void aStatusWriteBasedOnAnOlderResourceVersionIsRefusedWithConflict() {
    var resource = create("stale");
    resource.setStatus(status("First"));
    var written = kubernetes.client().resource(resource).updateStatus();
    assertThat(written.getMetadata().getResourceVersion()).isNotEqualTo(resource.getMetadata().getResourceVersion());

    // the copy from before that write: refused, and the stored status stays as written
    resource.setStatus(status("Second"));
    var failure = catchThrowableOfType(KubernetesClientException.class,
        () -> kubernetes.client().resource(resource).updateStatus());
    assertThat(failure.getCode()).isEqualTo(409);
    var stored = kubernetes.client().resource(resource).get();
    assertThat(stored.getStatus().condition("Ready").orElseThrow().getReason()).isEqualTo("First");

    // based on the current version it goes through
    written.setStatus(status("Third"));
    assertThat(kubernetes.client().resource(written).updateStatus().getStatus().condition("Ready").orElseThrow()
        .getReason()).isEqualTo("Third");
  }
}
