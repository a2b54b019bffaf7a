package io.connectorcert.reconciler;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** Writes core/v1 Events on the resource. An Event that cannot be written is logged, never fatal to a reconcile. */
public class EventRecorder {

  public static final String COMPONENT = "connector-cert-operator";
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;

  private final KubernetesClient client;
  private final Clock clock;
  private final String instance;

  public EventRecorder(KubernetesClient client, Clock clock, String instance) {
    this.client = client;
    this.clock = clock;
    this.instance = instance;
  }

  public void record(ApiConnectorCertificate resource, StatusEvents.Event event) {
    var now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var message = event.message().length() > MAX_MESSAGE ? event.message().substring(0, MAX_MESSAGE) : event.message();
    var k8sEvent = new EventBuilder()
        .withNewMetadata()
        .withNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName() + "." + randomSuffix())
        .endMetadata()
        .withInvolvedObject(reference(resource))
        .withType(event.type())
        .withReason(event.reason())
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(COMPONENT).endSource()
        .withReportingComponent(COMPONENT)
        .withReportingInstance(instance)
        .build();
    try {
      client.v1().events().inNamespace(resource.getMetadata().getNamespace()).resource(k8sEvent).create();
    } catch (KubernetesClientException e) {
      log.warn("Could not record event {} on {}: HTTP {}", event.reason(), resource.getMetadata().getName(),
          e.getCode());
    }
  }

  private static io.fabric8.kubernetes.api.model.ObjectReference reference(HasMetadata resource) {
    return new ObjectReferenceBuilder()
        .withApiVersion(resource.getApiVersion())
        .withKind(resource.getKind())
        .withNamespace(resource.getMetadata().getNamespace())
        .withName(resource.getMetadata().getName())
        .withUid(resource.getMetadata().getUid())
        .withResourceVersion(resource.getMetadata().getResourceVersion())
        .build();
  }

  private static String randomSuffix() {
    var bytes = new byte[8];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
