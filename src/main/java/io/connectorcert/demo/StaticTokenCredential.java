package io.connectorcert.demo;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;

import reactor.core.publisher.Mono;

/**
 * A fixed bearer token for the demo's Graph stand-in, which has no Entra in front of it. Records the scopes asked
 * for, so tests can check the operator asks for {@code <graph endpoint>/.default}.
 */
public final class StaticTokenCredential implements TokenCredential {

  private final String token;
  private final List<List<String>> requestedScopes = new CopyOnWriteArrayList<>();

  public StaticTokenCredential(String token) {
    this.token = token;
  }

  @Override
  public Mono<AccessToken> getToken(TokenRequestContext request) {
    return Mono.fromSupplier(() -> getTokenSync(request));
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    requestedScopes.add(List.copyOf(request.getScopes()));
    return new AccessToken(token, OffsetDateTime.now().plusHours(1));
  }

  public List<List<String>> requestedScopes() {
    return List.copyOf(requestedScopes);
  }

  @Override
  public String toString() {
    return "StaticTokenCredential[token redacted]";
  }
}
