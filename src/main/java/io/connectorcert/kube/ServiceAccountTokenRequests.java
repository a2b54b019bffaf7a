package io.connectorcert.kube;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.connectorcert.credentials.ServiceAccountTokenException;
import io.connectorcert.credentials.ServiceAccountTokens;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * ServiceAccount tokens from the Kubernetes TokenRequest API ({@code POST .../serviceaccounts/{name}/token}), for
 * audience {@link ServiceAccountTokens#AUDIENCE}, short-lived, and cached per ServiceAccount until 80% of their
 * lifetime has passed (as the kubelet refreshes projected tokens). Thread-safe: concurrent callers for one
 * ServiceAccount share one request. Tokens are never logged.
 */
public final class ServiceAccountTokenRequests implements ServiceAccountTokens {

  /** Kubernetes' minimum: a token that leaks anyway is good for no longer than this. */
  public static final Duration EXPIRY = Duration.ofMinutes(10);
  private static final Logger log = LoggerFactory.getLogger(ServiceAccountTokenRequests.class);

  private record Key(String namespace, String name) {}

  private record Issued(String token, Instant refreshAt) {}

  private final KubernetesClient client;
  private final Clock clock;
  private final Duration expiry;
  private final ConcurrentMap<Key, Issued> issued = new ConcurrentHashMap<>();
  private final ConcurrentMap<Key, Object> locks = new ConcurrentHashMap<>();

  public ServiceAccountTokenRequests(KubernetesClient client, Clock clock) {
    this(client, clock, EXPIRY);
  }

  /** @param expiry the {@code expirationSeconds} asked for; the API server refuses less than 10 minutes */
  public ServiceAccountTokenRequests(KubernetesClient client, Clock clock, Duration expiry) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.expiry = Objects.requireNonNull(expiry, "expiry");
  }

  @Override
  public String token(String namespace, String serviceAccountName) {
    var key = new Key(namespace, serviceAccountName);
    var cached = issued.get(key);
    if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
      return cached.token();
    }
    synchronized (locks.computeIfAbsent(key, k -> new Object())) {
      cached = issued.get(key);
      if (cached != null && clock.instant().isBefore(cached.refreshAt())) {
        return cached.token();
      }
      var fresh = request(key);
      issued.put(key, fresh);
      return fresh.token();
    }
  }

  private Issued request(Key key) {
    var who = "ServiceAccount " + key.name() + " in namespace " + key.namespace();
    var asked = new TokenRequestBuilder().withNewSpec()
        .withAudiences(AUDIENCE)
        .withExpirationSeconds(expiry.toSeconds())
        .endSpec().build();
    var requestedAt = clock.instant();
    TokenRequest answer;
    try {
      answer = client.serviceAccounts().inNamespace(key.namespace()).withName(key.name()).tokenRequest(asked);
    } catch (KubernetesClientException e) {
      // the exception's own message may quote the API server's answer: keep to the status code
      log.debug("TokenRequest for {} failed: HTTP {}", who, e.getCode());
      throw failure(e.getCode(), who, key.namespace());
    }
    var token = answer == null || answer.getStatus() == null ? null : answer.getStatus().getToken();
    if (token == null || token.isBlank()) {
      throw new ServiceAccountTokenException(ServiceAccountTokenException.Kind.UNAVAILABLE,
          "Kubernetes answered the TokenRequest for " + who + " without a token");
    }
    var expiresAt = expiresAt(answer).orElse(requestedAt.plus(expiry));
    var lifetime = Duration.between(requestedAt, expiresAt);
    var refreshAt = requestedAt.plus(lifetime.multipliedBy(4).dividedBy(5));
    log.debug("Got a token of {} for {}, valid until {}", who, AUDIENCE, expiresAt);
    return new Issued(token, refreshAt);
  }

  private static Optional<Instant> expiresAt(TokenRequest answer) {
    try {
      return Optional.ofNullable(answer.getStatus().getExpirationTimestamp()).map(Instant::parse);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  static ServiceAccountTokenException failure(int status, String who, String namespace) {
    return switch (status) {
      case 404 -> new ServiceAccountTokenException(ServiceAccountTokenException.Kind.NOT_FOUND,
          who + " does not exist (Kubernetes answered 404 to its TokenRequest): create it, or name an existing one "
              + "in serviceAccountName");
      case 403 -> new ServiceAccountTokenException(ServiceAccountTokenException.Kind.FORBIDDEN,
          "the operator may not request tokens of " + who + " (Kubernetes answered 403): grant its ServiceAccount "
              + "create on serviceaccounts/token in namespace " + namespace);
      default -> status == 0 || status == 429 || status >= 500
          ? new ServiceAccountTokenException(ServiceAccountTokenException.Kind.UNAVAILABLE,
              "the TokenRequest for " + who + " got " + (status == 0 ? "no answer" : "HTTP " + status))
          : new ServiceAccountTokenException(ServiceAccountTokenException.Kind.REJECTED,
              "Kubernetes refused the TokenRequest for " + who + " (HTTP " + status + ")");
    };
  }
}
