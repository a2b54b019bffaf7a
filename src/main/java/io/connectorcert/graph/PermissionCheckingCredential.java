package io.connectorcert.graph;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;

import reactor.core.publisher.Mono;

/** Passes tokens through, refusing one whose roles lack APIConnectors.ReadWrite.All before it reaches Graph. */
final class PermissionCheckingCredential implements TokenCredential {

  private final TokenCredential delegate;

  PermissionCheckingCredential(TokenCredential delegate) {
    this.delegate = delegate;
  }

  @Override
  public Mono<AccessToken> getToken(TokenRequestContext request) {
    return delegate.getToken(request).map(PermissionCheckingCredential::checked);
  }

  @Override
  public AccessToken getTokenSync(TokenRequestContext request) {
    return checked(delegate.getTokenSync(request));
  }

  private static AccessToken checked(AccessToken token) {
    TokenPermissions.missingPermission(token.getToken()).ifPresent(why -> {
      throw new MissingPermissionException(why);
    });
    return token;
  }
}
