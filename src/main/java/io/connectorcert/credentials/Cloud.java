package io.connectorcert.credentials;

import java.net.URI;
import java.util.Arrays;
import java.util.Optional;

/** The national clouds that host the uploadClientCertificate call, with their Graph and Entra hosts. */
public enum Cloud {
  AzurePublic("https://graph.microsoft.com", "https://login.microsoftonline.com", true),
  /** US Government L4. */
  AzureUSGovernment("https://graph.microsoft.us", "https://login.microsoftonline.us", false),
  /** US Government L5 (DoD). */
  AzureUSGovernmentDoD("https://dod-graph.microsoft.us", "https://login.microsoftonline.us", false),
  /** Operated by 21Vianet. */
  AzureChina("https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn", true);

  private final URI graphEndpoint;
  private final URI authorityHost;
  private final boolean documentsV1Upload;

  Cloud(String graphEndpoint, String authorityHost, boolean documentsV1Upload) {
    this.graphEndpoint = URI.create(graphEndpoint);
    this.authorityHost = URI.create(authorityHost);
    this.documentsV1Upload = documentsV1Upload;
  }

  public URI graphEndpoint() {
    return graphEndpoint;
  }

  public URI authorityHost() {
    return authorityHost;
  }

  /** The v1.0 uploadClientCertificate page lists Global and China only; beta lists all four. */
  public boolean supports(String apiVersion) {
    return "beta".equals(apiVersion) || documentsV1Upload;
  }

  /** Case-insensitive, as users type it. */
  public static Optional<Cloud> parse(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return Arrays.stream(values()).filter(c -> c.name().equalsIgnoreCase(name.trim())).findFirst();
  }

  public static String names() {
    return String.join(", ", Arrays.stream(values()).map(Cloud::name).toList());
  }
}
