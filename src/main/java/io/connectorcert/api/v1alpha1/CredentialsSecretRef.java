package io.connectorcert.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

public record CredentialsSecretRef(
    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Name of a Secret in the resource's namespace with tenantId, clientId and one of "
        + "clientSecret, clientCertificate, clientCertificatePfx or workloadIdentity.")
    String name) {}
