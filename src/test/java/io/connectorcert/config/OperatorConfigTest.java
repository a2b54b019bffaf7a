package io.connectorcert.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.connectorcert.credentials.Cloud;
import io.connectorcert.graph.GraphTraffic;

class OperatorConfigTest {

  @Test
  void defaultsWorkWithAnEmptyEnvironment() {
    var config = OperatorConfig.fromEnvironment(Map.of());
    assertThat(config.defaultTarget().graphEndpoint()).isEqualTo(URI.create("https://graph.microsoft.com"));
    assertThat(config.graphApiVersion()).isEqualTo("beta");
    assertThat(config.cloud()).isEqualTo(Cloud.AzurePublic);
    assertThat(config.defaultTarget().authorityHost()).isEqualTo(URI.create("https://login.microsoftonline.com"));
    assertThat(config.defaultTarget().scope()).isEqualTo("https://graph.microsoft.com/.default");
    assertThat(config.watchesAllNamespaces()).isTrue();
    assertThat(config.resyncInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.instanceName()).isEqualTo("connector-cert-operator");
  }

  @Test
  void plainHttpIsForLoopbackOnly() {
    var config = OperatorConfig.fromEnvironment(Map.of("GRAPH_ENDPOINT", "http://127.0.0.1:8443"));
    assertThat(config.defaultTarget().graphEndpoint()).isEqualTo(URI.create("http://127.0.0.1:8443"));
  }

  @Test
  void everySettingIsRead() {
    var config = OperatorConfig.fromEnvironment(Map.of(
        "GRAPH_ENDPOINT", "https://graph.microsoft.us/",
        "GRAPH_API_VERSION", "v1.0",
        "WATCH_NAMESPACES", "identity, team-b ,",
        "RESYNC_INTERVAL", "PT30M",
        "HTTP_PORT", "9090"));
    assertThat(config.defaultTarget().graphEndpoint()).isEqualTo(URI.create("https://graph.microsoft.us"));
    assertThat(config.defaultTarget().scope()).isEqualTo("https://graph.microsoft.us/.default");
    assertThat(config.graphApiVersion()).isEqualTo("v1.0");
    assertThat(config.watchNamespaces()).isEqualTo(Set.of("identity", "team-b"));
    assertThat(config.resyncInterval()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.httpPort()).isEqualTo(9090);
  }

  @Test
  void cloudChoosesHostsAndOverridesWin() {
    var china = OperatorConfig.fromEnvironment(Map.of("GRAPH_CLOUD", "azurechina"));
    assertThat(china.defaultTarget().graphEndpoint()).isEqualTo(URI.create("https://microsoftgraph.chinacloudapi.cn"));
    assertThat(china.defaultTarget().authorityHost()).isEqualTo(URI.create("https://login.chinacloudapi.cn"));

    var privateEndpoint = OperatorConfig.fromEnvironment(Map.of("GRAPH_CLOUD", "AzureUSGovernment",
        "GRAPH_ENDPOINT", "https://graph.private.contoso.us", "AZURE_AUTHORITY_HOST", "https://login.private.contoso.us"));
    var target = privateEndpoint.defaultTarget();
    assertThat(target.cloud()).isEqualTo(Cloud.AzureUSGovernment);
    assertThat(target.graphEndpoint()).isEqualTo(URI.create("https://graph.private.contoso.us"));
    assertThat(target.authorityHost()).isEqualTo(URI.create("https://login.private.contoso.us"));
    assertThat(target.scope()).isEqualTo("https://graph.private.contoso.us/.default");
  }

  @Test
  void shortDurationsAreAccepted() {
    assertThat(OperatorConfig.duration("X", "10m", Duration.ZERO)).isEqualTo(Duration.ofMinutes(10));
    assertThat(OperatorConfig.duration("X", "45s", Duration.ZERO)).isEqualTo(Duration.ofSeconds(45));
    assertThat(OperatorConfig.duration("X", "2h", Duration.ZERO)).isEqualTo(Duration.ofHours(2));
    assertThat(OperatorConfig.duration("X", "500ms", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
    assertThat(OperatorConfig.duration("X", "14d", Duration.ZERO)).isEqualTo(Duration.ofDays(14));
  }

  @Test
  void graphBudgetsDefaultToHalfOfGraphsSmallestPerTenantBudgetsAndAreRead() {
    var defaults = OperatorConfig.fromEnvironment(Map.of());
    assertThat(defaults.graphMaxConcurrency()).isEqualTo(8);
    // 3,500 ResourceUnits per 10 s (tenant under 50 users), 3,000 writes per 150 s: half of each
    assertThat(defaults.graphBudget()).isEqualTo(new GraphTraffic.Budget(175, 5, 750));

    var set = OperatorConfig.fromEnvironment(Map.of("GRAPH_RATE_LIMIT", "40", "GRAPH_WRITE_RATE_LIMIT", "0.5",
        "GRAPH_MAX_CONCURRENCY", "16"));
    assertThat(set.graphBudget()).isEqualTo(new GraphTraffic.Budget(40, 0.5, 75));
    assertThat(set.graphMaxConcurrency()).isEqualTo(16);
    assertThat(set.withLeaderElection(java.util.Optional.empty()).graphBudget()).isEqualTo(set.graphBudget());

    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("GRAPH_WRITE_RATE_LIMIT", "0")))
        .hasMessageStartingWith("GRAPH_WRITE_RATE_LIMIT=0: ");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("GRAPH_RATE_LIMIT", "fast")))
        .hasMessageStartingWith("GRAPH_RATE_LIMIT=fast: ");
  }

  @Test
  void theExpiryWarningDefaultsToFourteenDays() {
    assertThat(OperatorConfig.fromEnvironment(Map.of()).expiryWarning()).isEqualTo(Duration.ofDays(14));
    assertThat(OperatorConfig.fromEnvironment(Map.of("EXPIRY_WARNING", "30d")).expiryWarning())
        .isEqualTo(Duration.ofDays(30));
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("EXPIRY_WARNING", "two weeks")))
        .hasMessageStartingWith("EXPIRY_WARNING=two weeks:");
  }

  @Test
  void badValuesFailWithOneLineNamingTheVariable() {
    record Bad(String variable, String value) {}
    for (var bad : new Bad[] {
        new Bad("GRAPH_ENDPOINT", "graph.microsoft.com"),
        new Bad("GRAPH_ENDPOINT", "https://graph.microsoft.com/beta"),
        new Bad("GRAPH_ENDPOINT", "ftp://graph.microsoft.com"),
        new Bad("GRAPH_ENDPOINT", "http://graph.contoso.internal"),
        new Bad("GRAPH_API_VERSION", "v2"),
        new Bad("GRAPH_CLOUD", "AzureGermany"),
        new Bad("AZURE_AUTHORITY_HOST", "login.microsoftonline.com"),
        new Bad("WATCH_NAMESPACES", "Identity"),
        new Bad("RESYNC_INTERVAL", "ten minutes"),
        new Bad("RESYNC_INTERVAL", "0s"),
        new Bad("HTTP_PORT", "http"),
        new Bad("HTTP_PORT", "70000"),
        new Bad("LEADER_ELECTION", "yes"),
        new Bad("LEADER_ELECTION_LEASE_NAME", "Connector_Cert"),
        new Bad("LEADER_ELECTION_NAMESPACE", "Kube-System"),
        new Bad("POD_NAMESPACE", "not_a_namespace"),
        new Bad("SHUTDOWN_TIMEOUT", "twenty"),
        new Bad("SHUTDOWN_TIMEOUT", "0s"),
        new Bad("SECRET_LABEL_SELECTOR", "connectorcert.io/watch=true,"),
        new Bad("SECRET_LABEL_SELECTOR", "a b"),
        new Bad("SECRET_LABEL_SELECTOR", "env in (a,b"),
        new Bad("SECRET_LABEL_SELECTOR", "watch=not a value"),
        new Bad("ALLOW_SHARED_WORKLOAD_IDENTITY", "yes"),
        new Bad("ALLOW_SHARED_WORKLOAD_IDENTITY", "1")}) {
      assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of(bad.variable(), bad.value())))
          .as(bad.toString())
          .isInstanceOf(OperatorConfig.InvalidConfigException.class)
          .hasMessageStartingWith(bad.variable() + "=")
          .hasMessageNotContaining("\n");
    }
  }

  @Test
  void leaderElectionIsOffByDefaultAndUsesThePodNamespace() {
    var off = OperatorConfig.fromEnvironment(Map.of());
    assertThat(off.leaderElection()).isEmpty();
    assertThat(off.shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(off.secretLabelSelector()).isEmpty();

    var on = OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION", "TRUE", "POD_NAMESPACE", "connector-cert-system",
        "HOSTNAME", "connector-cert-operator-7d9f-abcde"));
    var election = on.leaderElection().orElseThrow();
    assertThat(election.leaseName()).isEqualTo("connector-cert-operator");
    assertThat(election.leaseNamespace()).isEqualTo("connector-cert-system");
    assertThat(election.leaseDuration()).isEqualTo(Duration.ofSeconds(40));
    assertThat(election.renewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(election.retryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(on.instanceName()).isEqualTo("connector-cert-operator-7d9f-abcde");

    var explicit = OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION", "true", "POD_NAMESPACE", "ignored",
        "LEADER_ELECTION_NAMESPACE", "operators", "LEADER_ELECTION_LEASE_NAME", "cc.operator-lease",
        "SHUTDOWN_TIMEOUT", "25s"));
    assertThat(explicit.leaderElection().orElseThrow().leaseNamespace()).isEqualTo("operators");
    assertThat(explicit.leaderElection().orElseThrow().leaseName()).isEqualTo("cc.operator-lease");
    assertThat(explicit.shutdownTimeout()).isEqualTo(Duration.ofSeconds(25));
    assertThat(OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION", "false")).leaderElection()).isEmpty();
  }

  @Test
  void leaderElectionWithoutANamespaceFailsNamingTheVariable() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("LEADER_ELECTION", "true")))
        .isInstanceOf(OperatorConfig.InvalidConfigException.class)
        .hasMessageStartingWith("LEADER_ELECTION_NAMESPACE ")
        .hasMessageContaining("POD_NAMESPACE")
        .hasMessageNotContaining("\n");
  }

  @Test
  void labelSelectorsInKubectlSyntaxAreAccepted() {
    for (var selector : new String[] {"connectorcert.io/watch=true", "connectorcert.io/watch", "!legacy",
        "app.kubernetes.io/part-of==identity,tier!=test", "env in (prod, staging),team notin (x)",
        "connectorcert.io/watch=true, env in (prod)", "empty="}) {
      assertThat(OperatorConfig.fromEnvironment(Map.of("SECRET_LABEL_SELECTOR", " " + selector + " "))
          .secretLabelSelector()).as(selector).contains(selector);
    }
  }

  @Test
  void sharedWorkloadIdentityIsRefusedUnlessAllowedWithTrue() {
    assertThat(OperatorConfig.fromEnvironment(Map.of()).allowSharedWorkloadIdentity()).isFalse();
    assertThat(OperatorConfig.fromEnvironment(Map.of("ALLOW_SHARED_WORKLOAD_IDENTITY", "")).allowSharedWorkloadIdentity())
        .isFalse();
    assertThat(OperatorConfig.fromEnvironment(Map.of("ALLOW_SHARED_WORKLOAD_IDENTITY", "false"))
        .allowSharedWorkloadIdentity()).isFalse();
    var allowed = OperatorConfig.fromEnvironment(Map.of("ALLOW_SHARED_WORKLOAD_IDENTITY", " TRUE "));
    assertThat(allowed.allowSharedWorkloadIdentity()).isTrue();
    // other settings copied from it keep it
    assertThat(allowed.withLeaderElection(java.util.Optional.empty()).allowSharedWorkloadIdentity()).isTrue();
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("ALLOW_SHARED_WORKLOAD_IDENTITY", "yes")))
        .hasMessage("ALLOW_SHARED_WORKLOAD_IDENTITY=yes: expected true or false");
  }

  @Test
  void aLeaseThatAnUploadByALeaderThatLostItCouldOutlastIsRefusedNamingTheSettings() {
    var env = Map.of("LEADER_ELECTION", "true", "POD_NAMESPACE", "ops", "LEADER_ELECTION_LEASE_DURATION", "15s");
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(env))
        .isInstanceOf(OperatorConfig.InvalidConfigException.class)
        .hasMessageContaining("LEADER_ELECTION_LEASE_DURATION=15s")
        .hasMessageContaining("LEADER_ELECTION_RENEW_DEADLINE")
        .hasMessageContaining("GRAPH_CALL_TIMEOUT")
        .hasMessageContaining("31000 ms");
    var shorterCalls = new java.util.HashMap<>(env);
    shorterCalls.put("GRAPH_CALL_TIMEOUT", "1s");
    var config = OperatorConfig.fromEnvironment(shorterCalls);
    assertThat(config.leaderElection().orElseThrow().leaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.graphCallTimeout()).isEqualTo(Duration.ofSeconds(1));
    // without leader election there is no Lease to outlast
    assertThat(OperatorConfig.fromEnvironment(Map.of("GRAPH_CALL_TIMEOUT", "60s")).graphCallTimeout())
        .isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void aSettleWindowNotLongerThanACallIsRefused() {
    assertThatThrownBy(() -> OperatorConfig.fromEnvironment(Map.of("UPLOAD_SETTLE_WINDOW", "5s")))
        .hasMessageStartingWith("UPLOAD_SETTLE_WINDOW=5000 ms must be longer than GRAPH_CALL_TIMEOUT (10000 ms)");
    assertThat(OperatorConfig.fromEnvironment(Map.of("UPLOAD_SETTLE_WINDOW", "5s", "GRAPH_CALL_TIMEOUT", "2s"))
        .uploadSettleWindow()).isEqualTo(Duration.ofSeconds(5));
  }
}
