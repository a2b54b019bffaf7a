package io.connectorcert.credentials;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

import com.azure.core.credential.TokenCredential;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.HttpClient;

import reactor.core.publisher.Mono;

/** Credentials Secrets as real azure-identity credentials. */
public final class AzureSecretCredentials implements SecretCredentials {

  private final HttpClient httpClient;
  private final Optional<Path> federatedTokenFile;
  private final ServiceAccountTokens serviceAccountTokens;

  /**
   * @param httpClient the HTTP client for Entra; {@code null} for azure-identity's default
   * @param federatedTokenFile the operator's projected service account token, for the legacy
   *     {@code workloadIdentity: "true"} (refused unless ALLOW_SHARED_WORKLOAD_IDENTITY=true)
   * @param serviceAccountTokens tokens of the ServiceAccount a Secret names in {@code serviceAccountName}
   */
  public AzureSecretCredentials(HttpClient httpClient, Optional<Path> federatedTokenFile,
      ServiceAccountTokens serviceAccountTokens) {
    this.httpClient = httpClient;
    this.federatedTokenFile = federatedTokenFile;
    this.serviceAccountTokens = Objects.requireNonNull(serviceAccountTokens, "serviceAccountTokens");
  }

  @Override
  public TokenCredential create(CredentialSource.FromSecret source, URI authorityHost) {
    // MSAL knows the national clouds' hosts; any other host (a private endpoint, a test) must not be "discovered"
    var known = Arrays.stream(Cloud.values()).anyMatch(c -> c.authorityHost().equals(authorityHost));
    var settings = new AzureIdentitySettings(authorityHost, !known, httpClient);
    try {
      return switch (source.kind()) {
        case CLIENT_SECRET -> TokenCredentials.clientSecret(source.tenantId(), source.clientId(),
            new String(source.material(), StandardCharsets.UTF_8).trim(), settings);
        case CLIENT_CERTIFICATE_PEM -> TokenCredentials.clientCertificatePem(source.tenantId(), source.clientId(),
            source.material(), settings);
        case CLIENT_CERTIFICATE_PFX -> TokenCredentials.clientCertificatePfx(source.tenantId(), source.clientId(),
            source.material(), source.password(), settings);
        case WORKLOAD_IDENTITY -> {
          // the Secret's own namespace: a Secret can only ever name a ServiceAccount beside it
          var namespace = source.namespace();
          var serviceAccount = source.serviceAccountName().orElseThrow();
          yield TokenCredentials.clientAssertion(source.tenantId(), source.clientId(),
              () -> serviceAccountTokens.token(namespace, serviceAccount), settings);
        }
        case SHARED_WORKLOAD_IDENTITY -> TokenCredentials.workloadIdentity(source.tenantId(), source.clientId(),
            federatedTokenFile.orElseThrow(), settings);
      };
    } catch (RuntimeException e) {
      // a credential that cannot even be built fails every token request with a message naming the Secret
      var message = "credentials Secret " + source.secretName() + ": cannot build a " + source.kind()
          + " credential from it";
      return request -> Mono.error(new ClientAuthenticationException(message, null));
    }
  }
}
