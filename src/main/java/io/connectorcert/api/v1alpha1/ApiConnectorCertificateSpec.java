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
    PasswordSecretRef passwordSecretRef) {}
