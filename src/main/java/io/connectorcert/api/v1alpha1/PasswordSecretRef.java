package io.connectorcert.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

@JsonInclude(JsonInclude.Include.NON_NULL)
public record PasswordSecretRef(
    @Required
    @Size(min = 1, max = 253)
    @JsonPropertyDescription("Name of the Secret in the resource's namespace (may be the certificate's own Secret).")
    String name,

    @Size(min = 1, max = 253)
    @Pattern("^[-._a-zA-Z0-9]+$")
    @JsonPropertyDescription("The key that holds the password; default: password.")
    String key) {

  public static final String DEFAULT_KEY = "password";

  public String keyOrDefault() {
    return key == null ? DEFAULT_KEY : key;
  }
}
