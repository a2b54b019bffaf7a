package io.connectorcert.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record CertificateSecretRef(
    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Name of the Secret in the resource's namespace.")
    String name,

    @Size(min = 1, max = 253)
    @Pattern("^[-._a-zA-Z0-9]+$")
    @JsonPropertyDescription("A key that holds a PKCS#12 (.pfx). Left out: keystore.p12 if the Secret has it, else the "
        + "PEM pair tls.crt + tls.key.")
    String key) {}
