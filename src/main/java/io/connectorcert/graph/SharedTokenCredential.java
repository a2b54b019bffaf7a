package io.connectorcert.graph;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.SimpleTokenCache;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;

import reactor.core.publisher.Mono;

/**
 * One token request at a time per credential and scope: concurrent callers share the request in flight, and the token
 * is reused until it nears expiry (azure-core's {@link SimpleTokenCache}). MSAL's own cache does not stop concurrent
 * first requests, so without this a restart with many resources sends a burst of token requests to Entra, which
 * throttles them too. A request carrying a claims challenge (CAE) always goes to the credential. A failure is not
 * kept: the next call asks again at once.
 */
final class SharedTokenCredential implements TokenCredential {

  private record Scope(List<String> scopes, String tenantId, boolean cae) {}

  private final TokenCredential delegate;
  private final Map<Scope, SimpleTokenCache> caches = new ConcurrentHashMap<>();

  SharedTokenCredential(TokenCredential delegate) {
    this.delegate = delegate;
  }

  @Override
  public Mono<AccessToken> getToken(TokenRequestContext request) {
    if (request.getClaims() != null) {
      return delegate.getToken(request);
    }
    var scope = new Scope(List.copyOf(request.getScopes()), request.getTenantId(), request.isCaeEnabled());
    // the credential's synchronous path: azure-identity's asynchronous one keeps a credential whose client could not
    // be built (a ServiceAccount token refused) failing for good, even after the cause is fixed
    var cache = caches.computeIfAbsent(scope, key -> new SimpleTokenCache(
        () -> Mono.fromCallable(() -> delegate.getTokenSync(copy(key)))));
    // after a failure SimpleTokenCache makes the next caller wait 30 s before it asks again, on the caller's thread:
    // a fixed credential (a ServiceAccount created, a secret rotated) must work at once, and reconcile threads must
    // not sleep. So a failed cache is dropped; the callers that shared the failed request all see it fail.
    return cache.getToken().doOnError(failure -> caches.remove(scope, cache));
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    return getToken(request).block();
  }

  private static TokenRequestContext copy(Scope scope) {
    return new TokenRequestContext().setScopes(scope.scopes()).setTenantId(scope.tenantId())
        .setCaeEnabled(scope.cae());
  }
}
