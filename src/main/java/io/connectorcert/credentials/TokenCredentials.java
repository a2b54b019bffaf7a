package io.connectorcert.credentials;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.AadCredentialBuilderBase;
import com.azure.identity.ClientAssertionCredentialBuilder;
import com.azure.identity.ClientCertificateCredentialBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;

/**
 * The one place that turns credential material into azure-identity {@link TokenCredential}s.
 *
 * <p>Certificate material stays in memory: the builders are given {@link java.io.InputStream}s over the bytes, never
 * files. No secret material (secrets, keys, passwords) appears in any exception message thrown here; only the tenant
 * and client ids, which are not secret, may.
 *
 * <p>Each credential keeps its own MSAL in-memory token cache: reuse one credential per (tenant, client) rather than
 * building one per call. Note that MSAL's cache misses when the authority host carries an explicit port.
 */
public final class TokenCredentials {

  private TokenCredentials() {}

  /** An app registration's client secret. */
  public static TokenCredential clientSecret(
      String tenantId, String clientId, String clientSecret, AzureIdentitySettings settings) {
    requireText(clientSecret, "clientSecret");
    ClientSecretCredentialBuilder builder = new ClientSecretCredentialBuilder().clientSecret(clientSecret);
    return configure(builder, tenantId, clientId, settings).build();
  }

  /**
   * An app registration's certificate, as PEM: the certificate (chain) and its unencrypted RSA private key
   * concatenated, as in a {@code tls.crt} + {@code tls.key} pair. The key may be PKCS#8 ({@code BEGIN PRIVATE KEY})
   * or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, cert-manager's default): azure-identity itself reads only PKCS#8 RSA,
   * so the PEM is re-encoded in memory first.
   *
   * @throws IllegalArgumentException when there is no certificate, no key, an encrypted key or a non-RSA key
   */
  public static TokenCredential clientCertificatePem(
      String tenantId, String clientId, byte[] pemCertificateAndKey, AzureIdentitySettings settings) {
    requireBytes(pemCertificateAndKey, "pemCertificateAndKey");
    ClientCertificateCredentialBuilder builder = new ClientCertificateCredentialBuilder()
        .pemCertificate(new ByteArrayInputStream(PemForAzureIdentity.normalize(pemCertificateAndKey)));
    return configure(builder, tenantId, clientId, settings).build();
  }

  /**
   * An app registration's certificate, as PKCS#12 (.pfx) holding the certificate and its private key.
   *
   * @param password the file's password; {@code null} or empty for a file protected with the empty password
   */
  public static TokenCredential clientCertificatePfx(
      String tenantId, String clientId, byte[] pfx, String password, AzureIdentitySettings settings) {
    requireBytes(pfx, "pfx");
    ClientCertificateCredentialBuilder builder = new ClientCertificateCredentialBuilder()
        .pfxCertificate(new ByteArrayInputStream(pfx.clone()))
        // MSAL loads the keystore with password.toCharArray(): never hand it null (see STACK-NOTES 14)
        .clientCertificatePassword(password == null ? "" : password);
    return configure(builder, tenantId, clientId, settings).build();
  }

  /**
   * Workload identity federation: the client assertion is the Kubernetes projected service account token that the
   * kubelet keeps fresh in {@code federatedTokenFile}; it is read again whenever a new Entra token is needed.
   */
  public static TokenCredential workloadIdentity(
      String tenantId, String clientId, Path federatedTokenFile, AzureIdentitySettings settings) {
    Objects.requireNonNull(federatedTokenFile, "federatedTokenFile");
    WorkloadIdentityCredentialBuilder builder = new WorkloadIdentityCredentialBuilder()
        .tokenFilePath(federatedTokenFile.toAbsolutePath().toString());
    return configure(builder, tenantId, clientId, settings).build();
  }

  /**
   * Workload identity federation with a token obtained on demand (a ServiceAccount token from the TokenRequest API).
   * azure-identity 1.19 calls {@code assertion} when it builds its MSAL client and again for every token request it
   * sends to Entra (not for answers from its own token cache): the supplier should cache. An exception it throws
   * reaches the caller of getToken in the cause chain.
   */
  public static TokenCredential clientAssertion(
      String tenantId, String clientId, Supplier<String> assertion, AzureIdentitySettings settings) {
    Objects.requireNonNull(assertion, "assertion");
    ClientAssertionCredentialBuilder builder = new ClientAssertionCredentialBuilder().clientAssertion(assertion);
    return configure(builder, tenantId, clientId, settings).build();
  }

  private static <T extends AadCredentialBuilderBase<T>> T configure(
      T builder, String tenantId, String clientId, AzureIdentitySettings settings) {
    requireText(tenantId, "tenantId");
    requireText(clientId, "clientId");
    Objects.requireNonNull(settings, "settings");
    builder.tenantId(tenantId).clientId(clientId).authorityHost(authority(settings));
    if (settings.disableInstanceDiscovery()) {
      builder.disableInstanceDiscovery();
    }
    if (settings.httpClient() != null) {
      builder.httpClient(settings.httpClient());
    }
    return builder;
  }

  /** azure-identity wants the host without a trailing slash or path. */
  private static String authority(AzureIdentitySettings settings) {
    String s = settings.authorityHost().toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " is missing");
    }
  }

  private static void requireBytes(byte[] value, String name) {
    if (value == null || value.length == 0) {
      throw new IllegalArgumentException(name + " is missing");
    }
  }
}
