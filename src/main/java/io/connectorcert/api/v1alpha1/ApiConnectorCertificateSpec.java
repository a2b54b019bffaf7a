package io.connectorcert.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiConnectorCertificateSpec(
    @Required
    @Size(min = 1, max = 128)
    @Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*$")
    @JsonPropertyDescription("The Graph id of the API connector (identity/apiConnectors/{id}).")
    String connectorId,

    @Required
    @JsonPropertyDescription("The Secret in this namespace that holds the certificate and its private key.")
    CertificateSecretRef secretRef,

    @JsonPropertyDescription("The Secret key that holds the PKCS#12 password; leave out for a PKCS#12 without one.")
    PasswordSecretRef passwordSecretRef,

    @JsonPropertyDescription("A credentials Secret in this namespace for this resource's tenant. Left out: the "
        + "namespace's Secret connectorcert-credentials if it exists, else the operator's own credential.")
    CredentialsSecretRef credentialsRef,

    @Pattern("^(AzurePublic|AzureUSGovernment|AzureUSGovernmentDoD|AzureChina)$")
    @JsonPropertyDescription("The national cloud of the tenant: AzurePublic, AzureUSGovernment, AzureUSGovernmentDoD "
        + "or AzureChina. Left out: the credentials Secret's cloud, else the operator's GRAPH_CLOUD.")
    String cloud,

    @Pattern("^(beta|v1\\.0)$")
    @JsonPropertyDescription("The Graph API version: beta or v1.0. Left out: the operator's GRAPH_API_VERSION.")
    String apiVersion) {

  /** The fields every resource needs; the others left out. */
  public ApiConnectorCertificateSpec(String connectorId, CertificateSecretRef secretRef,
      PasswordSecretRef passwordSecretRef) {
    this(connectorId, secretRef, passwordSecretRef, null, null, null);
  }
}
