package io.connectorcert.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.Reasons;
import io.fabric8.kubernetes.api.model.Condition;

class StatusEventsTest {

  static ApiConnectorCertificateStatus withReady(String status, String reason) {
    var ready = new Condition("2026-11-22T10:00:00Z", "message for " + reason, 1L, reason, status, "Ready");
    return new ApiConnectorCertificateStatus(1L, null, null, null, null, null, null, null, null, null, null, null,
        List.of(ready));
  }

  static final Outcome NOT_UPLOADED = new Outcome.UserProblem(Reasons.WRONG_PASSWORD, "m", Optional.empty());

  @Test
  void aMoveIntoAFailureReasonIsOneWarning() {
    var events = StatusEvents.between(withReady("True", Reasons.IN_SYNC), withReady("False", Reasons.WRONG_PASSWORD),
        NOT_UPLOADED, "c");
    assertThat(events).containsExactly(
        new StatusEvents.Event(StatusEvents.WARNING, Reasons.WRONG_PASSWORD, "message for WrongPassword"));
  }

  @Test
  void stayingInTheSameFailureIsSilent() {
    assertThat(StatusEvents.between(withReady("False", Reasons.GRAPH_UNAVAILABLE),
        withReady("False", Reasons.GRAPH_UNAVAILABLE), NOT_UPLOADED, "c")).isEmpty();
  }

  @Test
  void aFirstStatusThatFailsWarnsAndAChangeOfFailureWarnsAgain() {
    assertThat(StatusEvents.between(null, withReady("False", Reasons.SECRET_NOT_FOUND), NOT_UPLOADED, "c"))
        .extracting(StatusEvents.Event::reason).containsExactly(Reasons.SECRET_NOT_FOUND);
    assertThat(StatusEvents.between(withReady("False", Reasons.SECRET_NOT_FOUND),
        withReady("False", Reasons.WRONG_PASSWORD), NOT_UPLOADED, "c"))
        .extracting(StatusEvents.Event::reason).containsExactly(Reasons.WRONG_PASSWORD);
  }

  @Test
  void readyWithoutUploadIsSilent() {
    assertThat(StatusEvents.between(withReady("False", Reasons.GRAPH_UNAVAILABLE), withReady("True", Reasons.IN_SYNC),
        NOT_UPLOADED, "c")).isEmpty();
  }
}
