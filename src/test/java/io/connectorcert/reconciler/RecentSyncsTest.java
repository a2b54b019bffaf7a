package io.connectorcert.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

class RecentSyncsTest {

  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void aSyncStandsForTheSameInputsUntilItsTime() {
    var syncs = new RecentSyncs();
    var inputs = new RecentSyncs.Inputs(1L, List.of("tls@5"), null);
    syncs.synced("uid", inputs, NOW.plusSeconds(30));

    assertThat(syncs.stands("uid", inputs, NOW.plusSeconds(10))).isTrue();
    assertThat(syncs.stands("uid", inputs, NOW.plusSeconds(30))).as("a resync or a timed look").isFalse();
    assertThat(syncs.stands("uid", new RecentSyncs.Inputs(2L, List.of("tls@5"), null), NOW)).as("new spec").isFalse();
    assertThat(syncs.stands("uid", new RecentSyncs.Inputs(1L, List.of("tls@6"), null), NOW)).as("renewed").isFalse();
    assertThat(syncs.stands("uid", new RecentSyncs.Inputs(1L, List.of("tls@5"), "other"), NOW)).as("claimed")
        .isFalse();
    assertThat(syncs.stands("other-uid", inputs, NOW)).isFalse();

    syncs.forget("uid");
    assertThat(syncs.stands("uid", inputs, NOW)).isFalse();
  }
}
