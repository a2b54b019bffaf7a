package io.connectorcert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.connectorcert.config.OperatorConfig;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** deploy/ parses into the Kubernetes objects `kubectl apply -f crds/ -f deploy/` creates, and they fit together. */
class DeployManifestsTest {

  static final List<HasMetadata> objects = new ArrayList<>();
  /** deploy/namespaced/: `kubectl apply -f crds/ -f deploy/namespaced/`. */
  static final List<HasMetadata> namespaced = new ArrayList<>();

  @BeforeAll
  static void load() throws IOException {
    objects.addAll(load(Path.of("deploy")));
    namespaced.addAll(load(Path.of("deploy", "namespaced")));
  }

  static List<HasMetadata> load(Path dir) throws IOException {
    var objects = new ArrayList<HasMetadata>();
    var serialization = new KubernetesSerialization();
    try (Stream<Path> files = Files.list(dir)) {
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
    return objects;
  }

  static <T> T only(Class<T> type) {
    return only(objects, type);
  }

  static <T> T only(List<HasMetadata> in, Class<T> type) {
    var found = all(in, type);
    assertThat(found).as(type.getSimpleName()).hasSize(1);
    return found.get(0);
  }

  static <T> List<T> all(List<HasMetadata> in, Class<T> type) {
    return in.stream().filter(type::isInstance).map(type::cast).toList();
  }

  static String env(Deployment deployment, String name) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(name)).findFirst().map(e -> e.getValueFrom() == null ? e.getValue()
            : "fieldRef:" + e.getValueFrom().getFieldRef().getFieldPath())
        .orElse(null);
  }

  @Test
  void theDeploymentSetsEverySettingToAValueTheOperatorAccepts() {
    for (var manifests : List.of(objects, namespaced)) {
      var deployment = only(manifests, Deployment.class);
      var env = new java.util.HashMap<String, String>();
      deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
          .filter(e -> e.getValue() != null).forEach(e -> env.put(e.getName(), e.getValue()));
      env.put("POD_NAMESPACE", deployment.getMetadata().getNamespace());
      var config = OperatorConfig.fromEnvironment(env);
      assertThat(config.expiryWarning()).isEqualTo(Duration.ofDays(14));
      assertThat(config.resyncInterval()).isEqualTo(Duration.ofMinutes(10));
      assertThat(config.uploadSettleWindow()).isEqualTo(Duration.ofMinutes(5));
    }
  }

  @Test
  void twoReplicasElectALeaderAndStayAvailable() {
    for (var manifests : List.of(objects, namespaced)) {
      var deployment = only(manifests, Deployment.class);
      var pod = deployment.getSpec().getTemplate().getSpec();
      assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
      assertThat(env(deployment, "LEADER_ELECTION")).isEqualTo("true");
      assertThat(env(deployment, "POD_NAMESPACE")).isEqualTo("fieldRef:metadata.namespace");
      assertThat(pod.getTerminationGracePeriodSeconds()).isEqualTo(30L);
      assertThat(OperatorConfig.duration("SHUTDOWN_TIMEOUT", env(deployment, "SHUTDOWN_TIMEOUT"), null))
          .isLessThan(Duration.ofSeconds(pod.getTerminationGracePeriodSeconds()));
      assertThat(pod.getTopologySpreadConstraints()).extracting(c -> c.getTopologyKey())
          .contains("kubernetes.io/hostname");
      var pdb = only(manifests, PodDisruptionBudget.class);
      assertThat(pdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(1);
      assertThat(pdb.getSpec().getSelector().getMatchLabels())
          .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());

      var leaseRoles = all(manifests, Role.class).stream()
          .filter(r -> r.getMetadata().getNamespace().equals(deployment.getMetadata().getNamespace())).toList();
      assertThat(leaseRoles).hasSize(1);
      var leaseRole = leaseRoles.get(0);
      for (var verb : List.of("get", "list", "watch", "create", "update", "patch")) {
        assertThat(allows(leaseRole.getRules(), "coordination.k8s.io", "leases", verb)).as("leases " + verb).isTrue();
      }
      assertThat(allows(leaseRole.getRules(), "", "secrets", "get")).isFalse();
      // the operator's own namespace grants no ServiceAccount tokens beyond what the watched namespaces grant
      assertThat(allows(leaseRole.getRules(), "", "serviceaccounts/token", "create")).isFalse();
      assertThat(env(deployment, "ALLOW_SHARED_WORKLOAD_IDENTITY")).isEqualTo("false");
      assertThat(OperatorConfig.fromEnvironment(java.util.Map.of("ALLOW_SHARED_WORKLOAD_IDENTITY",
          env(deployment, "ALLOW_SHARED_WORKLOAD_IDENTITY"))).allowSharedWorkloadIdentity()).isFalse();
      assertThat(bindings(manifests, leaseRole)).extracting(b -> b.getSubjects().get(0).getName())
          .containsExactly(only(manifests, ServiceAccount.class).getMetadata().getName());
    }
  }

  @Test
  void namespacedModeGrantsPerWatchedNamespaceAndNoClusterRole() {
    assertThat(all(namespaced, ClusterRole.class)).isEmpty();
    assertThat(all(namespaced, ClusterRoleBinding.class)).isEmpty();
    var deployment = only(namespaced, Deployment.class);
    var watched = OperatorConfig.namespaces(env(deployment, "WATCH_NAMESPACES"));
    assertThat(watched).isNotEmpty();

    var operatorRoles = all(namespaced, Role.class).stream()
        .filter(r -> allows(r.getRules(), "connectorcert.io", "apiconnectorcertificates", "watch")).toList();
    assertThat(operatorRoles).extracting(r -> r.getMetadata().getNamespace())
        .containsExactlyInAnyOrderElementsOf(watched);
    for (var role : operatorRoles) {
      var rules = role.getRules();
      assertThat(allows(rules, "connectorcert.io", "apiconnectorcertificates/status", "patch")).isTrue();
      assertThat(allows(rules, "", "secrets", "watch")).isTrue();
      assertThat(allows(rules, "", "secrets", "list")).isTrue();
      assertThat(allows(rules, "", "events", "create")).isTrue();
      for (var verb : List.of("create", "update", "patch", "delete")) {
        assertThat(allows(rules, "", "secrets", verb)).as(role.getMetadata().getNamespace() + " secrets " + verb)
            .isFalse();
      }
      assertServiceAccountTokensOnly(rules);
      assertThat(bindings(namespaced, role)).extracting(b -> b.getSubjects().get(0).getName())
          .containsExactly(only(namespaced, ServiceAccount.class).getMetadata().getName());
    }
    // the rules are the cluster install's, namespace by namespace
    assertThat(operatorRoles.get(0).getRules()).isEqualTo(only(ClusterRole.class).getRules());
  }

  static List<RoleBinding> bindings(List<HasMetadata> manifests, Role role) {
    return all(manifests, RoleBinding.class).stream()
        .filter(b -> b.getMetadata().getNamespace().equals(role.getMetadata().getNamespace())
            && b.getRoleRef().getKind().equals("Role")
            && b.getRoleRef().getName().equals(role.getMetadata().getName()))
        .toList();
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
    assertServiceAccountTokensOnly(rules);
    var binding = only(ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName()).isEqualTo(only(ClusterRole.class).getMetadata().getName());
    assertThat(binding.getSubjects().get(0).getName()).isEqualTo(only(ServiceAccount.class).getMetadata().getName());
  }

  /**
   * Issue 12: tokens of a namespace's ServiceAccounts (TokenRequest is a create on serviceaccounts/token), and nothing
   * else about ServiceAccounts: no reading them, no changing them, no impersonating them.
   */
  static void assertServiceAccountTokensOnly(List<PolicyRule> rules) {
    assertThat(allows(rules, "", "serviceaccounts/token", "create")).as("create serviceaccounts/token").isTrue();
    var serviceAccountRules = rules.stream().filter(r -> r.getResources().stream()
        .anyMatch(resource -> resource.startsWith("serviceaccounts") || resource.equals("*"))).toList();
    assertThat(serviceAccountRules).hasSize(1);
    assertThat(serviceAccountRules.get(0).getResources()).containsExactly("serviceaccounts/token");
    assertThat(serviceAccountRules.get(0).getVerbs()).containsExactly("create");
    assertThat(serviceAccountRules.get(0).getResourceNames()).isNullOrEmpty();
    assertThat(rules).noneMatch(r -> r.getVerbs().contains("impersonate") || r.getVerbs().contains("*"));
  }

  static boolean allows(List<PolicyRule> rules, String group, String resource, String verb) {
    return rules.stream().anyMatch(r -> r.getApiGroups().contains(group) && r.getResources().contains(resource)
        && r.getVerbs().contains(verb));
  }
}
