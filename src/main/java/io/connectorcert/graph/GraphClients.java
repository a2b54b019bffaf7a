package io.connectorcert.graph;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.core.credential.TokenCredential;

import io.connectorcert.credentials.CredentialSource;
import io.connectorcert.credentials.GraphRoute;
import io.connectorcert.credentials.SecretCredentials;

/**
 * One Graph client per (credential, Graph endpoint, API version), and one token credential per (credential,
 * authority) that shares its token request among concurrent callers, so tokens are fetched once per credential and
 * reused until they near expiry. Calls spend the {@link GraphTraffic} lane of their (cloud, tenant, application):
 * Graph's budgets are per application and tenant. A credentials Secret whose material changes gets a new credential
 * at once; the old one is dropped.
 */
public final class GraphClients implements ConnectorClients, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(GraphClients.class);
  private static final String OPERATOR = "operator";

  private record CredentialKey(String identity, URI authorityHost) {}

  private record ClientKey(CredentialKey credential, URI graphEndpoint, String apiVersion) {}

  private final TokenCredential operatorCredential;
  private final SecretCredentials secretCredentials;
  private final Duration callTimeout;
  private final GraphTraffic traffic;
  private final Map<CredentialKey, TokenCredential> credentials = new HashMap<>();
  private final Map<ClientKey, GraphConnectorCertificateClient> clients = new HashMap<>();
  /** The identity last seen for each credentials Secret (namespace/name). */
  private final Map<String, String> secretIdentities = new HashMap<>();

  public GraphClients(TokenCredential operatorCredential, SecretCredentials secretCredentials, Duration callTimeout,
      GraphTraffic traffic) {
    this.operatorCredential = operatorCredential;
    this.secretCredentials = secretCredentials;
    this.callTimeout = callTimeout;
    this.traffic = traffic;
  }

  @Override
  public synchronized ConnectorCertificateClient clientFor(GraphRoute route) {
    var target = route.target();
    var credentialKey = new CredentialKey(identityOf(route.credential()), target.authorityHost());
    var credential = credentials.computeIfAbsent(credentialKey, key -> new SharedTokenCredential(route.credential()
        instanceof CredentialSource.FromSecret fromSecret
            ? secretCredentials.create(fromSecret, key.authorityHost())
            : operatorCredential));
    var lane = traffic.lane(laneKey(route));
    return clients.computeIfAbsent(new ClientKey(credentialKey, target.graphEndpoint(), target.apiVersion()),
        key -> new GraphConnectorCertificateClient(credential, key.graphEndpoint(), key.apiVersion(), callTimeout,
            lane));
  }

  /**
   * The budget a route spends: its Graph endpoint (the cloud) and its tenant and application. The operator-wide
   * credential is one application in one tenant, whichever it is.
   */
  static GraphTraffic.Key laneKey(GraphRoute route) {
    var endpoint = route.target().graphEndpoint();
    return route.credential() instanceof CredentialSource.FromSecret fromSecret
        ? new GraphTraffic.Key(endpoint, fromSecret.tenantId().toLowerCase(java.util.Locale.ROOT),
            fromSecret.clientId().toLowerCase(java.util.Locale.ROOT))
        : new GraphTraffic.Key(endpoint, OPERATOR, OPERATOR);
  }

  /** The credential's identity; a Secret whose material changed retires the clients of its old identity. */
  private String identityOf(CredentialSource source) {
    if (!(source instanceof CredentialSource.FromSecret fromSecret)) {
      return OPERATOR;
    }
    var identity = fromSecret.identity();
    var secret = fromSecret.namespace() + "/" + fromSecret.secretName();
    var previous = secretIdentities.put(secret, identity);
    if (previous != null && !previous.equals(identity)) {
      log.info("Credentials Secret {} changed: new credential for client {}", secret, fromSecret.clientId());
      credentials.keySet().removeIf(key -> key.identity().equals(previous));
      clients.entrySet().removeIf(entry -> {
        if (entry.getKey().credential().identity().equals(previous)) {
          entry.getValue().close();
          return true;
        }
        return false;
      });
    }
    return identity;
  }

  @Override
  public synchronized void close() {
    clients.values().forEach(GraphConnectorCertificateClient::close);
    clients.clear();
    credentials.clear();
  }
}
