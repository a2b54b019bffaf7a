package io.connectorcert.credentials;

import java.net.URI;
import java.util.Objects;

import com.azure.core.http.HttpClient;

/**
 * How azure-identity credentials reach Entra.
 *
 * @param authorityHost the Entra authority host, https only (e.g. {@code https://login.microsoftonline.com},
 *     {@code https://login.microsoftonline.us}); azure-identity refuses anything else
 * @param disableInstanceDiscovery skip MSAL's instance discovery (needed for a private or stand-in authority: MSAL
 *     would otherwise ask the real login host about it)
 * @param httpClient the transport for token requests, or {@code null} for azure-core's default (OkHttp here)
 */
public record AzureIdentitySettings(URI authorityHost, boolean disableInstanceDiscovery, HttpClient httpClient) {

  /** Public Azure cloud, instance discovery on, default transport. */
  public static final AzureIdentitySettings AZURE_PUBLIC_CLOUD =
      new AzureIdentitySettings(URI.create("https://login.microsoftonline.com"), false, null);

  public AzureIdentitySettings {
    Objects.requireNonNull(authorityHost, "authorityHost");
    if (!"https".equalsIgnoreCase(authorityHost.getScheme()) || authorityHost.getHost() == null) {
      throw new IllegalArgumentException("authorityHost must be an absolute https URI: " + authorityHost);
    }
  }
}
