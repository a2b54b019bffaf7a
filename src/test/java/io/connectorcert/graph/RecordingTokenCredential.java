package io.connectorcert.graph;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;

import reactor.core.publisher.Mono;

/** Hands out one fixed token and remembers the scopes it was asked for. */
public final class RecordingTokenCredential implements TokenCredential {

  private final String token;
  private final RuntimeException failure;
  private final List<List<String>> scopesAsked = new CopyOnWriteArrayList<>();

  private RecordingTokenCredential(String token, RuntimeException failure) {
    this.token = token;
    this.failure = failure;
  }

  public static RecordingTokenCredential returning(String token) {
    return new RecordingTokenCredential(token, null);
  }

  public static RecordingTokenCredential failingWith(RuntimeException failure) {
    return new RecordingTokenCredential(null, failure);
  }

  @Override
  public Mono<AccessToken> getToken(TokenRequestContext request) {
    return Mono.fromCallable(() -> getTokenSync(request));
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    scopesAsked.add(List.copyOf(request.getScopes()));
    if (failure != null) {
      throw failure;
    }
    return new AccessToken(token, OffsetDateTime.now().plusHours(1));
  }

  public List<List<String>> scopesAsked() {
    return List.copyOf(scopesAsked);
  }
}
