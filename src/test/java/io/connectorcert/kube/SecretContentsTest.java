package io.connectorcert.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.connectorcert.demo.EmbeddedKubernetes;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;

/** The informer keeps metadata only; a named Secret's data is read once per version. */
class SecretContentsTest {

  static EmbeddedKubernetes kubernetes;

  @BeforeAll
  static void start() {
    kubernetes = EmbeddedKubernetes.start();
  }

  @AfterAll
  static void stop() {
    kubernetes.close();
  }

  static Secret write(String name, String value) {
    var secret = new SecretBuilder().withNewMetadata().withName(name).withNamespace("default")
        .addToLabels("app", "x").endMetadata()
        .withData(Map.of("key", Base64.getEncoder().encodeToString(value.getBytes()))).build();
    return kubernetes.client().resource(secret).createOr(NonDeletingOperation::update);
  }

  @Test
  void theInformersCopyHoldsNoDataLabelsOrManagedFields() {
    var secret = write("slim", "the data");
    var slim = SecretContents.METADATA_ONLY.apply(secret);
    assertThat(slim.getData()).isNullOrEmpty();
    assertThat(slim.getMetadata().getLabels()).isNullOrEmpty();
    assertThat(slim.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(slim.getMetadata().getName()).isEqualTo("slim");
    assertThat(slim.getMetadata().getResourceVersion()).isEqualTo(secret.getMetadata().getResourceVersion());
  }

  @Test
  void aNamedSecretIsReadOncePerVersion() {
    var contents = new SecretContents(kubernetes.client(), 10);
    var first = write("named", "version one");
    var cached = SecretContents.METADATA_ONLY.apply(first);
    assertThat(contents.whole(cached).orElseThrow().getData()).containsKey("key");

    // gone from the API, but the version the informer holds was read already: no read, same data
    kubernetes.client().resource(first).delete();
    assertThat(contents.whole(cached).orElseThrow().getData().get("key"))
        .isEqualTo(first.getData().get("key"));

    // a new version is read again
    var second = write("named", "version two");
    var data = contents.whole(SecretContents.METADATA_ONLY.apply(second)).orElseThrow().getData().get("key");
    assertThat(new String(Base64.getDecoder().decode(data))).isEqualTo("version two");
    assertThat(contents.held()).isEqualTo(1);
  }

  @Test
  void aSecretGoneSinceTheInformerSawItIsEmptyAndForgotten() {
    var contents = new SecretContents(kubernetes.client(), 10);
    var gone = write("gone", "soon gone");
    kubernetes.client().resource(gone).delete();
    assertThat(contents.whole(SecretContents.METADATA_ONLY.apply(gone))).isEmpty();
    assertThat(contents.held()).isZero();
  }

  @Test
  void theLeastRecentlyUsedDataGoesFirst() {
    var contents = new SecretContents(kubernetes.client(), 2);
    for (var name : new String[] {"lru-a", "lru-b", "lru-c"}) {
      contents.whole(SecretContents.METADATA_ONLY.apply(write(name, name)));
    }
    assertThat(contents.held()).isEqualTo(2);
  }
}
