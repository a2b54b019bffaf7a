package io.connectorcert.credentials;

import java.util.Optional;

import io.connectorcert.api.v1alpha1.ApiConnectorCertificateSpec;
import io.connectorcert.api.v1alpha1.Reasons;
import io.connectorcert.config.OperatorConfig;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * Chooses a resource's credential (most specific wins: spec.credentialsRef, the namespace's
 * connectorcert-credentials Secret, the operator's own) and target (cloud and API version: the resource's, the
 * credential's, the operator's). Pure.
 */
public final class GraphRoutes {

  private GraphRoutes() {}

  public sealed interface Resolved {}

  public record Route(GraphRoute route) implements Resolved {}

  /** A reason (one of {@link Reasons}) and a message naming Secrets and keys, never values. */
  public record Problem(String reason, String message) implements Resolved {}

  public static Resolved resolve(ApiConnectorCertificateSpec spec, Optional<Secret> referencedCredentials,
      Optional<Secret> namespaceCredentials, OperatorConfig config) {
    CredentialSource credential;
    if (spec.credentialsRef() != null) {
      if (referencedCredentials.isEmpty()) {
        return new Problem(Reasons.AUTHENTICATION_FAILED, "credentials Secret " + spec.credentialsRef().name()
            + " (spec.credentialsRef) not found in this namespace");
      }
      var parsed = CredentialsSecret.parse(referencedCredentials.get(), CredentialSource.RESOURCE);
      if (parsed instanceof CredentialsSecret.Invalid invalid) {
        return new Problem(Reasons.INVALID_CREDENTIALS, invalid.message());
      }
      credential = ((CredentialsSecret.Ok) parsed).source();
    } else if (namespaceCredentials.isPresent()) {
      var parsed = CredentialsSecret.parse(namespaceCredentials.get(), CredentialSource.NAMESPACE);
      if (parsed instanceof CredentialsSecret.Invalid invalid) {
        return new Problem(Reasons.INVALID_CREDENTIALS, invalid.message());
      }
      credential = ((CredentialsSecret.Ok) parsed).source();
    } else {
      credential = new CredentialSource.Operator();
    }

    if (credential instanceof CredentialSource.FromSecret fromSecret && fromSecret.sharesOperatorIdentity()) {
      if (!config.allowSharedWorkloadIdentity()) {
        return new Problem(Reasons.INVALID_CREDENTIALS, sharedWorkloadIdentityRefused(fromSecret));
      }
      if (config.federatedTokenFile().isEmpty()) {
        return new Problem(Reasons.INVALID_CREDENTIALS, "credentials Secret " + fromSecret.secretName()
            + " asks for workloadIdentity, but the operator's pod has no projected service account token "
            + "(AZURE_FEDERATED_TOKEN_FILE): enable workload identity on its Deployment");
      }
    }
    var cloud = Optional.ofNullable(spec.cloud()).flatMap(Cloud::parse).or(credential::cloud);
    var target = config.target(cloud, Optional.ofNullable(spec.apiVersion()));
    if (!target.cloud().supports(target.apiVersion())) {
      return new Problem(Reasons.UNSUPPORTED_CLOUD_API_VERSION, "Graph documents uploadClientCertificate under "
          + target.apiVersion() + " for AzurePublic and AzureChina only, not for " + target.cloud()
          + "; use apiVersion: beta");
    }
    return new Route(new GraphRoute(credential, target));
  }

  /**
   * The operator's own token federates into any app that trusts the operator's ServiceAccount: any namespace could
   * name another team's app and act as it. Say so, and how to move to a ServiceAccount of the namespace's own.
   */
  private static String sharedWorkloadIdentityRefused(CredentialSource.FromSecret source) {
    return "credentials Secret " + source.secretName() + " asks for workloadIdentity: \"true\", the operator's own "
        + "service account token, which is refused: with it every namespace would act as the operator's identity "
        + "and could use any app that trusts it (ALLOW_SHARED_WORKLOAD_IDENTITY=true allows it anyway). Instead, "
        + "replace workloadIdentity with serviceAccountName: <a ServiceAccount in namespace " + source.namespace()
        + "> and add to app " + source.clientId() + " a federated credential with subject system:serviceaccount:"
        + source.namespace() + ":<that name> and audience " + ServiceAccountTokens.AUDIENCE;
  }
}
