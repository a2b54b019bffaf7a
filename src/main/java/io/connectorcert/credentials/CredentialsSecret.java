package io.connectorcert.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import io.connectorcert.kube.SecretData;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * Reads a credentials Secret: {@code tenantId}, {@code clientId} and exactly one of {@code clientSecret},
 * {@code clientCertificate} (PEM certificate and key), {@code clientCertificatePfx} (with optional
 * {@code clientCertificatePassword}), {@code serviceAccountName} (a ServiceAccount of the Secret's namespace, for
 * workload identity) or the legacy {@code workloadIdentity: "true"}; optional {@code cloud}. Pure; messages name
 * keys, never values.
 */
public final class CredentialsSecret {

  public static final String NAMESPACE_DEFAULT_NAME = "connectorcert-credentials";
  static final String TENANT_ID = "tenantId";
  static final String CLIENT_ID = "clientId";
  static final String CLIENT_SECRET = "clientSecret";
  static final String CLIENT_CERTIFICATE = "clientCertificate";
  static final String CLIENT_CERTIFICATE_PFX = "clientCertificatePfx";
  static final String CLIENT_CERTIFICATE_PASSWORD = "clientCertificatePassword";
  static final String SERVICE_ACCOUNT_NAME = "serviceAccountName";
  static final String WORKLOAD_IDENTITY = "workloadIdentity";
  static final String CLOUD = "cloud";

  /** Tenant ids are GUIDs or verified domain names; client ids are GUIDs. */
  private static final Pattern TENANT = Pattern.compile(
      "^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9.-]{1,253})$");
  private static final Pattern GUID = Pattern.compile(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  /** ServiceAccount names are DNS subdomains (RFC 1123): lower case, digits, '-' and '.', at most 253. */
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile(
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private CredentialsSecret() {}

  public sealed interface Parsed {}

  public record Ok(CredentialSource.FromSecret source) implements Parsed {}

  public record Invalid(String message) implements Parsed {}

  public static Parsed parse(Secret secret, String scope) {
    var name = secret.getMetadata().getName();
    var data = SecretData.of(secret);
    var where = "credentials Secret " + name;

    var tenantId = text(data, TENANT_ID);
    if (tenantId.isEmpty()) {
      return new Invalid(where + " has no key " + TENANT_ID);
    }
    if (!TENANT.matcher(tenantId.get()).matches()) {
      return new Invalid(where + ": " + TENANT_ID + " is not a tenant id (a GUID or a domain name)");
    }
    var clientId = text(data, CLIENT_ID);
    if (clientId.isEmpty()) {
      return new Invalid(where + " has no key " + CLIENT_ID);
    }
    if (!GUID.matcher(clientId.get()).matches()) {
      return new Invalid(where + ": " + CLIENT_ID + " is not a GUID");
    }
    Optional<Cloud> cloud = Optional.empty();
    var cloudName = text(data, CLOUD);
    if (cloudName.isPresent()) {
      cloud = Cloud.parse(cloudName.get());
      if (cloud.isEmpty()) {
        return new Invalid(where + ": " + CLOUD + " must be one of " + Cloud.names());
      }
    }

    var present = java.util.stream.Stream.of(CLIENT_SECRET, CLIENT_CERTIFICATE, CLIENT_CERTIFICATE_PFX,
        SERVICE_ACCOUNT_NAME, WORKLOAD_IDENTITY).filter(data::containsKey).toList();
    if (present.size() != 1) {
      return new Invalid(where + " must hold exactly one of " + CLIENT_SECRET + ", " + CLIENT_CERTIFICATE + ", "
          + CLIENT_CERTIFICATE_PFX + ", " + SERVICE_ACCOUNT_NAME + ", " + WORKLOAD_IDENTITY
          + (present.isEmpty() ? "; it has none" : "; it has " + String.join(" and ", present)));
    }
    var namespace = secret.getMetadata().getNamespace();
    var key = present.get(0);
    var value = data.get(key);
    if (value.length == 0) {
      return new Invalid(where + ": " + key + " is empty");
    }
    CredentialSource.Kind kind;
    String password = null;
    switch (key) {
      case CLIENT_SECRET -> kind = CredentialSource.Kind.CLIENT_SECRET;
      case CLIENT_CERTIFICATE -> {
        var pem = new String(value, StandardCharsets.US_ASCII);
        if (!pem.contains("-----BEGIN CERTIFICATE-----") || !pem.contains("PRIVATE KEY-----")) {
          return new Invalid(where + ": " + CLIENT_CERTIFICATE + " must hold a PEM certificate and its private key");
        }
        kind = CredentialSource.Kind.CLIENT_CERTIFICATE_PEM;
      }
      case CLIENT_CERTIFICATE_PFX -> {
        kind = CredentialSource.Kind.CLIENT_CERTIFICATE_PFX;
        password = text(data, CLIENT_CERTIFICATE_PASSWORD).orElse("");
      }
      case SERVICE_ACCOUNT_NAME -> {
        var serviceAccount = new String(value, StandardCharsets.UTF_8).trim();
        if (serviceAccount.length() > 253 || !DNS_SUBDOMAIN.matcher(serviceAccount).matches()) {
          return new Invalid(where + ": " + SERVICE_ACCOUNT_NAME + " is not a ServiceAccount name (a lower-case DNS "
              + "subdomain, in the Secret's own namespace " + namespace + ")");
        }
        kind = CredentialSource.Kind.WORKLOAD_IDENTITY;
        value = serviceAccount.getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        if (!"true".equalsIgnoreCase(new String(value, StandardCharsets.UTF_8).trim())) {
          return new Invalid(where + ": " + WORKLOAD_IDENTITY + " must be \"true\" when present (or use "
              + SERVICE_ACCOUNT_NAME + ")");
        }
        kind = CredentialSource.Kind.SHARED_WORKLOAD_IDENTITY;
      }
    }
    return new Ok(new CredentialSource.FromSecret(scope, namespace, name, tenantId.get(), clientId.get(), kind, value,
        password, cloud));
  }

  private static Optional<String> text(Map<String, byte[]> data, String key) {
    var value = data.get(key);
    if (value == null) {
      return Optional.empty();
    }
    var text = new String(value, StandardCharsets.UTF_8).trim();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }
}
