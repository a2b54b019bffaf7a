package io.connectorcert.credentials;

import java.net.URI;

import com.azure.core.credential.TokenCredential;

/** Builds the token credential for a credentials Secret, against an authority host. */
@FunctionalInterface
public interface SecretCredentials {

  TokenCredential create(CredentialSource.FromSecret source, URI authorityHost);
}
