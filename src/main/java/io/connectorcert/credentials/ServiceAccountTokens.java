package io.connectorcert.credentials;

/**
 * Tokens of a ServiceAccount, for audience {@link #AUDIENCE}, to federate into an Entra app registration: Entra sees
 * the subject {@code system:serviceaccount:<namespace>:<name>}.
 */
@FunctionalInterface
public interface ServiceAccountTokens {

  /** The audience Entra expects on a federated Kubernetes token. */
  String AUDIENCE = "api://AzureADTokenExchange";

  /**
   * A token valid for a while yet. Implementations never log it or put it in an exception message.
   *
   * @throws ServiceAccountTokenException when no token can be had, with a message naming the ServiceAccount
   */
  String token(String namespace, String serviceAccountName);

  /** For wiring without a Kubernetes API: every request fails. */
  ServiceAccountTokens NONE = (namespace, name) -> {
    throw new ServiceAccountTokenException(ServiceAccountTokenException.Kind.UNAVAILABLE,
        "no Kubernetes API to request a token of ServiceAccount " + namespace + "/" + name + " from");
  };
}
