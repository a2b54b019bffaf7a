package io.connectorcert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** deploy/ parses into the Kubernetes objects `kubectl apply -f crds/ -f deploy/` creates, and they fit together. */
class DeployManifestsTest {

  static final List<HasMetadata> objects = new ArrayList<>();

  @BeforeAll
  static void load() throws IOException {
    var serialization = new KubernetesSerialization();
    try (Stream<Path> files = Files.list(Path.of("deploy"))) {
      for (var file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (InputStream in = Files.newInputStream(file)) {
          Object parsed = serialization.unmarshal(in);
          if (parsed instanceof List<?> list) {
            list.forEach(o -> objects.add((HasMetadata) o));
          } else {
            objects.add((HasMetadata) parsed);
          }
        }
      }
    }
  }

  static <T> T only(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
  }

  @Test
  void deploymentRunsAsTheServiceAccountUnderTheRestrictedProfile() {
    var deployment = only(Deployment.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);

    assertThat(pod.getServiceAccountName()).isEqualTo(only(ServiceAccount.class).getMetadata().getName());
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("azure.workload.identity/use", "true");
  }

  @Test
  void clusterRoleGrantsWhatTheOperatorDoesAndNoSecretWrites() {
    var rules = only(ClusterRole.class).getRules();
    assertThat(allows(rules, "connectorcert.io", "apiconnectorcertificates", "watch")).isTrue();
    assertThat(allows(rules, "connectorcert.io", "apiconnectorcertificates/status", "patch")).isTrue();
    assertThat(allows(rules, "", "secrets", "watch")).isTrue();
    assertThat(allows(rules, "", "events", "create")).isTrue();
    for (var verb : List.of("create", "update", "patch", "delete")) {
      assertThat(allows(rules, "", "secrets", verb)).as("secrets " + verb).isFalse();
    }
    var binding = only(ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(only(ClusterRole.class).getMetadata().getName());
    assertThat(binding.getSubjects().get(0).getName()).isEqualTo(only(ServiceAccount.class).getMetadata().getName());
  }

  static boolean allows(List<PolicyRule> rules, String group, String resource, String verb) {
    return rules.stream().anyMatch(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource)
        && r.getVerbs().contains(verb));
  }
}
