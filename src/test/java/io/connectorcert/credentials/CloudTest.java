package io.connectorcert.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.connectorcert.config.OperatorConfig;

class CloudTest {

  record Row(Cloud cloud, String graph, String authority, boolean v1) {}

  @Test
  void eachCloudResolvesToItsGraphHostAuthorityHostAndScope() {
    var table = new Row[] {
        new Row(Cloud.AzurePublic, "https://graph.microsoft.com", "https://login.microsoftonline.com", true),
        new Row(Cloud.AzureUSGovernment, "https://graph.microsoft.us", "https://login.microsoftonline.us", false),
        new Row(Cloud.AzureUSGovernmentDoD, "https://dod-graph.microsoft.us", "https://login.microsoftonline.us", false),
        new Row(Cloud.AzureChina, "https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn", true)};
    var config = OperatorConfig.fromEnvironment(Map.of());
    for (var row : table) {
      var target = config.target(Optional.of(row.cloud()), Optional.empty());
      assertThat(target.graphEndpoint()).as(row.cloud().name()).isEqualTo(URI.create(row.graph()));
      assertThat(target.authorityHost()).as(row.cloud().name()).isEqualTo(URI.create(row.authority()));
      assertThat(target.scope()).as(row.cloud().name()).isEqualTo(row.graph() + "/.default");
      assertThat(row.cloud().supports("beta")).as(row.cloud().name()).isTrue();
      assertThat(row.cloud().supports("v1.0")).as(row.cloud().name()).isEqualTo(row.v1());
    }
    assertThat(Cloud.values()).hasSize(table.length);
  }

  @Test
  void namesParseCaseInsensitively() {
    assertThat(Cloud.parse("azureusgovernmentdod")).contains(Cloud.AzureUSGovernmentDoD);
    assertThat(Cloud.parse("AzureGermany")).isEmpty();
    assertThat(Cloud.parse(null)).isEmpty();
  }
}
