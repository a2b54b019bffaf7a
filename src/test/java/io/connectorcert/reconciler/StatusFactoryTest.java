package io.connectorcert.reconciler;

import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.ACTIVE;
import static io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus.READY;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificate;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.ApiConnectorCertificateStatus;
import io.connectorcert.api.v1alpha1.CertificateSecretRef;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.certificate.CertificateRead;
import io.connectorcert.certificate.CertificateReader;
import io.connectorcert.certificate.SecretCertificate;
import io.connectorcert.graph.ApiConnector;
import io.connectorcert.graph.ConnectorCertificate;
import io.connectorcert.graph.GraphFailure;
import io.connectorcert.support.TestCertificates;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;

class StatusFactoryTest {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  static final String CONNECTOR = "45715bb8-13f9-4bf6-927f-ef96c102d394";

  @TempDir
  static Path dir;
  static SecretCertificate certificate;
  static SecretCertificate renewed;

  static final Duration EXPIRY_WARNING = Duration.ofDays(14);
  static final Duration SETTLE = Duration.ofMinutes(5);

  final StatusFactory factory = at(NOW);

  static StatusFactory at(Instant now) {
    return new StatusFactory(Clock.fixed(now, ZoneOffset.UTC),
        new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), () -> 0.0), EXPIRY_WARNING, SETTLE);
  }

  @BeforeAll
  static void certificate() {
    var generated = TestCertificates.generate(dir, "status.contoso.com");
    var read = CertificateReader.readPkcs12(TestCertificates.pfx(generated, TestCertificates.Encoding.LEGACY_RC2, ""),
        new char[0]);
    certificate = ((CertificateRead.Ok) read).certificate();
    var next = TestCertificates.generate(dir, "status-renewed.contoso.com");
    renewed = ((CertificateRead.Ok) CertificateReader.readPkcs12(
        TestCertificates.pfx(next, TestCertificates.Encoding.LEGACY_RC2, ""), new char[0])).certificate();
  }

  static ApiConnectorCertificate resource(long generation, ApiConnectorCertificateStatus status) {
    var resource = new ApiConnectorCertificate();
    resource.setMetadata(new ObjectMetaBuilder().withName("r").withNamespace("ns").withGeneration(generation).build());
    resource.setSpec(new ApiConnectorCertificateSpec(CONNECTOR, new CertificateSecretRef("tls", null), null));
    resource.setStatus(status);
    return resource;
  }

  static ApiConnector connector(boolean holds, boolean active) {
    var list = holds
        ? List.of(new ConnectorCertificate(certificate.thumbprint().toLowerCase(), certificate.notBefore(),
            certificate.notAfter(), active))
        : List.<ConnectorCertificate>of();
    return new ApiConnector(CONNECTOR, "My API connector", "https://api.contoso.com", list);
  }

  @Test
  void uploadIsReadyUploadedAndActiveWithTimesAndGeneration() {
    var status = factory.statusFor(resource(3, null), new Outcome.Synced(certificate, connector(true, true), true));

    assertThat(status.observedGeneration()).isEqualTo(3L);
    assertThat(status.uploadedThumbprint()).isEqualTo(certificate.thumbprint());
    assertThat(status.lastUploadTime()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(status.activeThumbprint()).isEqualToIgnoringCase(certificate.thumbprint());
    assertThat(status.connector().displayName()).isEqualTo("My API connector");
    var ready = status.condition(READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo(Reasons.UPLOADED);
    assertThat(ready.getObservedGeneration()).isEqualTo(3L);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(status.condition(ACTIVE).orElseThrow().getReason()).isEqualTo(Reasons.ACTIVE);
    assertThat(status.secretCertificate().notAfter()).isEqualTo(certificate.notAfter().toString());
  }

  @Test
  void laterSyncsOfTheCertificateThisResourceUploadedChangeNothing() {
    var earlier = at(NOW.minusSeconds(3600))
        .statusFor(resource(1, null), new Outcome.Synced(certificate, connector(true, true), true));

    var status = factory.statusFor(resource(1, earlier), new Outcome.Synced(certificate, connector(true, true), false));

    var ready = status.condition(READY).orElseThrow();
    assertThat(ready).isEqualTo(earlier.condition(READY).orElseThrow());
    assertThat(ready.getReason()).isEqualTo(Reasons.UPLOADED);
    assertThat(ready.getMessage()).contains("at 2026-11-22T09:00:00Z");
    assertThat(status.lastUploadTime()).isEqualTo("2026-11-22T09:00:00Z");
    assertThat(status).as("a read an hour later that finds the same gives the same status: nothing is written")
        .isEqualTo(earlier);
  }

  @Test
  void aCertificateTheConnectorAlreadyHeldIsInSyncWithoutUploadTime() {
    var status = factory.statusFor(resource(1, null), new Outcome.Synced(certificate, connector(true, true), false));

    var ready = status.condition(READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("True");
    assertThat(ready.getReason()).isEqualTo(Reasons.IN_SYNC);
    assertThat(status.uploadedThumbprint()).isEqualTo(certificate.thumbprint());
    assertThat(status.lastUploadTime()).isNull();
  }

  @Test
  void readyKeepsItsTransitionTimeWhileItStaysTrue() {
    var earlier = at(NOW.minusSeconds(3600))
        .statusFor(resource(1, null), new Outcome.Synced(certificate, connector(true, true), false));
    var status = factory.statusFor(resource(1, earlier), new Outcome.Synced(certificate, connector(true, true), true));
    var ready = status.condition(READY).orElseThrow();
    assertThat(ready.getReason()).isEqualTo(Reasons.UPLOADED);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-22T09:00:00Z");
  }

  @Test
  void heldButNotActiveSaysWhetherNotBeforeIsAhead() {
    var status = factory.statusFor(resource(1, null), new Outcome.Synced(certificate, connector(true, false), true));
    var active = status.condition(ACTIVE).orElseThrow();
    assertThat(active.getStatus()).isEqualTo("False");
    assertThat(active.getReason()).isEqualTo(Reasons.NOT_YET_ACTIVE);
    assertThat(active.getMessage()).contains(certificate.notBefore().isAfter(NOW) ? "still ahead" : "has passed");
  }

  @Test
  void secretProblemKeepsLastKnownGraphStateAndFlipsReadyWithNewTransition() {
    var synced = factory.statusFor(resource(1, null), new Outcome.Synced(certificate, connector(true, true), true));
    var later = at(NOW.plusSeconds(60));

    var status = later.statusFor(resource(2, synced),
        new Outcome.UserProblem(Reasons.WRONG_PASSWORD, "Secret tls key keystore.p12: wrong", Optional.empty()));

    var ready = status.condition(READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reasons.WRONG_PASSWORD);
    assertThat(ready.getLastTransitionTime()).isEqualTo("2026-11-22T10:01:00Z");
    assertThat(ready.getObservedGeneration()).isEqualTo(2L);
    assertThat(status.certificates()).isEqualTo(synced.certificates());
    assertThat(status.secretCertificate()).isNull();
    assertThat(status.condition(ACTIVE).orElseThrow().getReason()).isEqualTo(Reasons.NOT_UPLOADED);
  }

  @Test
  void graphFailuresMapToReasonsWithActionableMessages() {
    record Case(GraphFailure.Kind kind, int status, String reason, String mustSay) {}
    var cases = List.of(
        new Case(GraphFailure.Kind.NOT_FOUND, 404, Reasons.CONNECTOR_NOT_FOUND, CONNECTOR),
        new Case(GraphFailure.Kind.FORBIDDEN, 403, Reasons.FORBIDDEN, "APIConnectors.ReadWrite.All"),
        new Case(GraphFailure.Kind.UNAUTHENTICATED, 401, Reasons.AUTHENTICATION_FAILED, "token"),
        new Case(GraphFailure.Kind.REJECTED, 400, Reasons.GRAPH_REJECTED, "request-id r-1"),
        new Case(GraphFailure.Kind.UNAVAILABLE, 503, Reasons.GRAPH_UNAVAILABLE, "retrying"));
    for (var c : cases) {
      var failure = new GraphFailure(c.kind(), c.status(), "Code", "r-1", null,
          "Graph answered " + c.status() + " Code: text (request-id r-1)", null);
      var status = factory.statusFor(resource(1, null),
          new Outcome.GraphProblem(failure, certificate, Optional.empty()));
      var ready = status.condition(READY).orElseThrow();
      assertThat(ready.getReason()).as(c.kind().name()).isEqualTo(c.reason());
      assertThat(ready.getMessage()).as(c.kind().name()).contains(c.mustSay());
    }
  }

  @Test
  void transientFailuresCountAttemptsAndScheduleTheNextTryNoSoonerThanRetryAfter() {
    var failure = new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 429, "TooManyRequests", "r", Duration.ofSeconds(30),
        "Graph answered 429", null);
    var first = factory.statusFor(resource(1, null), new Outcome.GraphProblem(failure, certificate, Optional.empty()));
    assertThat(first.failedAttempts()).isEqualTo(1);
    assertThat(first.nextRetryTime()).isEqualTo("2026-11-22T10:00:30Z");

    var noRetryAfter = new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 503, null, null, null, "503", null);
    var second = factory.statusFor(resource(1, first),
        new Outcome.GraphProblem(noRetryAfter, certificate, Optional.empty()));
    assertThat(second.failedAttempts()).isEqualTo(2);
    assertThat(second.nextRetryTime()).isEqualTo("2026-11-22T10:00:04Z");
    assertThat(StatusFactory.retryDelay(second, NOW)).contains(Duration.ofSeconds(4));

    // a run of refusals with Retry-After waits what Graph asks; it does not make the next wait without one longer
    var throttled = new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 429, "TooManyRequests", "r", Duration.ofSeconds(1),
        "Graph answered 429", null);
    var afterThrottling = first;
    for (int i = 0; i < 8; i++) {
      afterThrottling = factory.statusFor(resource(1, afterThrottling),
          new Outcome.GraphProblem(throttled, certificate, Optional.empty()));
    }
    assertThat(afterThrottling.failedAttempts()).isEqualTo(1);
    assertThat(afterThrottling.nextRetryTime()).isEqualTo("2026-11-22T10:00:01Z");
    var gatewayTimeout = factory.statusFor(resource(1, afterThrottling),
        new Outcome.GraphProblem(noRetryAfter, certificate, Optional.empty()));
    assertThat(gatewayTimeout.failedAttempts()).isEqualTo(2);
    assertThat(gatewayTimeout.nextRetryTime()).isEqualTo("2026-11-22T10:00:04Z");

    var recovered = factory.statusFor(resource(1, second),
        new Outcome.Synced(certificate, connector(true, true), true));
    assertThat(recovered.failedAttempts()).isNull();
    assertThat(recovered.nextRetryTime()).isNull();
  }

  @Test
  void aTransientReadFailureDoesNotFlipReadyWhileTheConnectorHeldTheCertificate() {
    var synced = factory.statusFor(resource(1, null), new Outcome.Synced(certificate, connector(true, true), true));
    var throttled = new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 429, "TooManyRequests", "r", Duration.ofSeconds(3),
        "Graph answered GET 429", null);

    var status = factory.statusFor(resource(1, synced), new Outcome.GraphProblem(throttled, certificate,
        Optional.empty()));

    assertThat(status.condition(READY)).isEqualTo(synced.condition(READY));
    assertThat(status.failedAttempts()).isEqualTo(1);
    assertThat(status.nextRetryTime()).isEqualTo("2026-11-22T10:00:03Z");
    assertThat(StatusEvents.between(synced, status, new Outcome.GraphProblem(throttled, certificate,
        Optional.empty()), CONNECTOR)).isEmpty();

    // but a renewed certificate that could not be uploaded is not Ready
    var renewedFailure = factory.statusFor(resource(1, synced), new Outcome.GraphProblem(throttled, renewed,
        Optional.empty()));
    assertThat(renewedFailure.condition(READY).orElseThrow().getReason()).isEqualTo(Reasons.GRAPH_UNAVAILABLE);
  }

  @Test
  void conflictNamesTheOwnerOnlyInTheSameNamespace() {
    var status = factory.statusFor(resource(1, null), new Outcome.Conflict(Optional.of("first-one")));
    var ready = status.condition(READY).orElseThrow();
    assertThat(ready.getReason()).isEqualTo(Reasons.CONNECTOR_CONFLICT);
    assertThat(ready.getMessage()).contains("first-one").contains(CONNECTOR);

    var foreign = factory.statusFor(resource(1, null), new Outcome.Conflict(Optional.empty()));
    assertThat(foreign.condition(READY).orElseThrow().getMessage()).startsWith("A resource in another namespace");
  }

  @Test
  void sameOutcomeTwiceGivesAnEqualStatusSoNothingIsWritten() {
    var problem = new Outcome.UserProblem(Reasons.SECRET_NOT_FOUND, "Secret tls not found", Optional.empty());
    var first = factory.statusFor(resource(1, null), problem);
    var later = at(NOW.plusSeconds(600));
    assertThat(later.statusFor(resource(1, first), problem)).isEqualTo(first);
  }

  static ApiConnector connectorWith(ConnectorCertificate... certificates) {
    return new ApiConnector(CONNECTOR, "My API connector", "https://api.contoso.com", List.of(certificates));
  }

  static ConnectorCertificate entry(SecretCertificate c, boolean active) {
    return new ConnectorCertificate(c.thumbprint(), c.notBefore(), c.notAfter(), active);
  }

  @Test
  void anotherCertificateMarkedActiveAfterNotBeforeIsSupersededAndStalled() {
    var dayLater = at(certificate.notBefore().plus(Duration.ofDays(1)));
    var status = dayLater.statusFor(resource(1, null),
        new Outcome.Synced(certificate, connectorWith(entry(certificate, false), entry(renewed, true)), false));

    var ready = status.condition(READY).orElseThrow();
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo(Reasons.SUPERSEDED);
    assertThat(ready.getMessage()).contains(renewed.thumbprint()).contains(certificate.thumbprint())
        .contains("renew");
    assertThat(status.condition(ApiConnectorCertificateStatus.STALLED).orElseThrow().getReason())
        .isEqualTo(Reasons.SUPERSEDED);
    assertThat(status.condition(ApiConnectorCertificateStatus.RECONCILING)).isEmpty();
  }

  @Test
  void aHeldCertificateWhoseNotBeforeIsAheadIsReadyAndNotYetActive() {
    var before = at(certificate.notBefore().minus(Duration.ofHours(1)));
    var status = before.statusFor(resource(1, null),
        new Outcome.Synced(certificate, connectorWith(entry(renewed, true), entry(certificate, false)), true));

    assertThat(status.condition(READY).orElseThrow().getStatus()).isEqualTo("True");
    assertThat(status.condition(ACTIVE).orElseThrow().getReason()).isEqualTo(Reasons.NOT_YET_ACTIVE);
    assertThat(StatusFactory.nextLook(status, certificate.notBefore().minus(Duration.ofHours(1)), EXPIRY_WARNING, SETTLE))
        .contains(Duration.ofHours(1).plus(StatusFactory.ACTIVATION_GRACE));

    // an active certificate is not looked at again at its notBefore: nothing will change then
    var active = at(certificate.notBefore().minus(Duration.ofHours(1))).statusFor(resource(1, null),
        new Outcome.Synced(certificate, connectorWith(entry(certificate, true)), true));
    assertThat(StatusFactory.nextLook(active, certificate.notBefore().minus(Duration.ofHours(1)), EXPIRY_WARNING,
        SETTLE)).hasValueSatisfying(d -> assertThat(d).isGreaterThan(Duration.ofDays(1)));
  }

  @Test
  void kstatusConditionsFollowTheGroupOfTheReason() {
    var transientFailure = new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 503, null, null, null, "503", null);
    var retrying = factory.statusFor(resource(4, null),
        new Outcome.GraphProblem(transientFailure, certificate, Optional.empty()));
    assertThat(retrying.condition(ApiConnectorCertificateStatus.RECONCILING).orElseThrow().getStatus())
        .isEqualTo("True");
    assertThat(retrying.condition(ApiConnectorCertificateStatus.STALLED)).isEmpty();
    assertThat(retrying.observedGeneration()).isEqualTo(4L);

    for (var outcome : List.<Outcome>of(
        new Outcome.UserProblem(Reasons.WRONG_PASSWORD, "wrong", Optional.empty()),
        new Outcome.GraphProblem(new GraphFailure(GraphFailure.Kind.FORBIDDEN, 403, null, null, null, "403", null),
            certificate, Optional.empty()),
        new Outcome.Conflict(Optional.of("other")))) {
      var stalled = factory.statusFor(resource(4, null), outcome);
      var condition = stalled.condition(ApiConnectorCertificateStatus.STALLED).orElseThrow();
      assertThat(condition.getStatus()).isEqualTo("True");
      assertThat(condition.getReason()).isEqualTo(stalled.condition(READY).orElseThrow().getReason());
      assertThat(stalled.condition(ApiConnectorCertificateStatus.RECONCILING)).isEmpty();
    }

    var ready = factory.statusFor(resource(4, retrying), new Outcome.Synced(certificate, connector(true, true), true));
    assertThat(ready.conditions()).extracting(c -> c.getType()).containsExactly(READY, ACTIVE);
  }

  @Test
  void anotherConnectorIdForgetsWhatWasKnownOfTheOldConnector() {
    var synced = factory.statusFor(resource(1, null), new Outcome.Synced(certificate, connector(true, true), true));
    var moved = resource(2, synced);
    moved.setSpec(new ApiConnectorCertificateSpec("another-connector", new CertificateSecretRef("tls", null), null));

    var missingSecret = factory.statusFor(moved,
        new Outcome.UserProblem(Reasons.SECRET_NOT_FOUND, "Secret tls not found", Optional.empty()));
    assertThat(missingSecret.connector()).isNull();
    assertThat(missingSecret.uploadedThumbprint()).isNull();
    assertThat(missingSecret.lastUploadTime()).isNull();
    assertThat(missingSecret.certificates()).isEmpty();
    assertThat(missingSecret.activeThumbprint()).isNull();

    var other = new ApiConnector("another-connector", "Other", "https://other.contoso.com",
        List.of(entry(certificate, true)));
    var alreadyThere = factory.statusFor(moved, new Outcome.Synced(certificate, other, false));
    var ready = alreadyThere.condition(READY).orElseThrow();
    assertThat(ready.getReason()).isEqualTo(Reasons.IN_SYNC);
    assertThat(ready.getMessage()).contains("another-connector").doesNotContain("Uploaded");
    assertThat(alreadyThere.lastUploadTime()).isNull();
    assertThat(alreadyThere.connector().id()).isEqualTo("another-connector");
  }

  @Test
  void theActiveCertificateExpiringWithinTheWarningWithNothingLaterIsExpiringSoon() {
    var weekBefore = certificate.notAfter().minus(Duration.ofDays(7));
    var status = at(weekBefore).statusFor(resource(1, null),
        new Outcome.Synced(certificate, connectorWith(entry(certificate, true)), false));
    var active = status.condition(ACTIVE).orElseThrow();
    assertThat(active.getStatus()).isEqualTo("True");
    assertThat(active.getReason()).isEqualTo(Reasons.EXPIRING_SOON);
    assertThat(active.getMessage()).contains(certificate.thumbprint()).contains("renew");
    assertThat(StatusEvents.between(null, status, new Outcome.Synced(certificate, connector(true, true), false),
        CONNECTOR)).extracting(StatusEvents.Event::reason).containsExactly(Reasons.EXPIRING_SOON);
    assertThat(StatusEvents.between(status, status, new Outcome.Synced(certificate, connector(true, true), false),
        CONNECTOR)).as("once per certificate").isEmpty();
    assertThat(StatusFactory.nextLook(status, weekBefore, EXPIRY_WARNING, SETTLE))
        .as("looks again when it expires").contains(Duration.ofDays(7).plusSeconds(1));

    var monthBefore = certificate.notAfter().minus(Duration.ofDays(30));
    var notYet = at(monthBefore).statusFor(resource(1, null),
        new Outcome.Synced(certificate, connectorWith(entry(certificate, true)), false));
    assertThat(notYet.condition(ACTIVE).orElseThrow().getReason()).isEqualTo(Reasons.ACTIVE);
    assertThat(StatusFactory.nextLook(notYet, monthBefore, EXPIRY_WARNING, SETTLE))
        .as("looks again when the warning starts").contains(Duration.ofDays(16));

    var laterOneHeld = new ConnectorCertificate("AA".repeat(20), certificate.notAfter().minus(Duration.ofDays(1)),
        certificate.notAfter().plus(Duration.ofDays(90)), false);
    var covered = at(weekBefore).statusFor(resource(1, null),
        new Outcome.Synced(certificate, connectorWith(entry(certificate, true), laterOneHeld), false));
    assertThat(covered.condition(ACTIVE).orElseThrow().getReason()).isEqualTo(Reasons.ACTIVE);
  }

  @Test
  void anUploadWhoseAnswerWasLostIsUnconfirmedUntilAReadShowsItAndThenCountsAsOurs() {
    var attempt = new ApiConnectorCertificateStatus.PendingUpload(CONNECTOR, certificate.thumbprint(),
        "2026-11-22T09:59:50Z", false);
    var lost = factory.statusFor(resource(1, null), new Observation(
        new Outcome.GraphProblem(new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 504, null, null, null, "504", null),
            certificate, Optional.of(connector(false, false))), Optional.empty(), Optional.empty(), attempt));
    assertThat(lost.pendingUpload()).isEqualTo(attempt);

    var settling = factory.statusFor(resource(1, lost), new Observation(
        new Outcome.Settling(certificate, connector(false, false), attempt), Optional.empty(), Optional.empty(),
        attempt));
    var ready = settling.condition(READY).orElseThrow();
    assertThat(ready.getReason()).isEqualTo(Reasons.UPLOAD_UNCONFIRMED);
    assertThat(ready.getMessage()).contains("2026-11-22T10:04:50Z");
    assertThat(settling.condition(ApiConnectorCertificateStatus.RECONCILING).orElseThrow().getReason())
        .isEqualTo(Reasons.UPLOAD_UNCONFIRMED);
    assertThat(settling.condition(ApiConnectorCertificateStatus.STALLED)).isEmpty();
    assertThat(settling.failedAttempts()).isNull();
    assertThat(StatusFactory.nextLook(settling, NOW, EXPIRY_WARNING, SETTLE)).contains(Duration.ofSeconds(15));

    var seen = factory.statusFor(resource(1, settling), new Observation(
        new Outcome.Synced(certificate, connector(true, true), false), Optional.empty(), Optional.empty(), null));
    assertThat(seen.pendingUpload()).isNull();
    assertThat(seen.condition(READY).orElseThrow().getReason()).isEqualTo(Reasons.UPLOADED);
    assertThat(seen.lastUploadTime()).isEqualTo("2026-11-22T09:59:50Z");
    assertThat(StatusEvents.between(settling, seen, new Outcome.Synced(certificate, connector(true, true), false),
        CONNECTOR)).extracting(StatusEvents.Event::reason).containsExactly(Reasons.UPLOADED);
  }

  @Test
  void anAnsweredUploadStaysReadyWhileReadsLagAndTheLaggingReadIsNotNews() {
    var answered = new ApiConnectorCertificateStatus.PendingUpload(CONNECTOR, certificate.thumbprint(),
        "2026-11-22T10:00:00Z", true);
    var uploaded = factory.statusFor(resource(1, null), new Observation(
        new Outcome.Synced(certificate, connector(true, true), true), Optional.empty(), Optional.empty(), answered));
    var lagging = factory.statusFor(resource(1, uploaded), new Observation(
        new Outcome.Settling(certificate, connector(false, false), answered), Optional.empty(), Optional.empty(),
        answered));
    assertThat(lagging).as("a read that lags the upload changes nothing").isEqualTo(uploaded);
  }

  @Test
  void aSecondAttemptAfterTheWindowIsAWarning() {
    var first = new ApiConnectorCertificateStatus.PendingUpload(CONNECTOR, certificate.thumbprint(),
        "2026-11-22T09:50:00Z", false);
    var second = new ApiConnectorCertificateStatus.PendingUpload(CONNECTOR, certificate.thumbprint(),
        "2026-11-22T10:00:00Z", false);
    var before = factory.statusFor(resource(1, null), new Observation(
        new Outcome.Synced(certificate, connector(true, true), false), Optional.empty(), Optional.empty(), first));
    var after = factory.statusFor(resource(1, before), new Observation(
        new Outcome.Synced(certificate, connector(true, true), false), Optional.empty(), Optional.empty(), second));
    assertThat(StatusEvents.ofAttempt(before, after)).singleElement().satisfies(e -> {
      assertThat(e.reason()).isEqualTo(Reasons.UPLOAD_NOT_VISIBLE);
      assertThat(e.message()).contains("09:50:00Z").contains("uploading it again");
    });
    assertThat(StatusEvents.ofAttempt(null, after)).isEmpty();
  }
}
