package io.connectorcert.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/** What the operator last saw and did. Times are RFC 3339 strings, as everywhere in Kubernetes. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ApiConnectorCertificateStatus(
    @JsonPropertyDescription("The metadata.generation this status describes (kstatus).")
    Long observedGeneration,
    @JsonPropertyDescription("The connector as Graph last returned it.")
    ConnectorInfo connector,
    @JsonPropertyDescription("The credential the calls use: its scope (Resource, Namespace or Operator), Secret, "
        + "tenant and client id, and kind.")
    CredentialsInfo credentials,
    @JsonPropertyDescription("Where the calls go: cloud, Graph endpoint and API version.")
    GraphInfo graph,
    @JsonPropertyDescription("Public facts of the certificate the Secret holds now.")
    SecretCertificateInfo secretCertificate,
    @JsonPropertyDescription("The last certificate this resource uploaded to the connector, or found already there.")
    String uploadedThumbprint,
    String lastUploadTime,
    @JsonPropertyDescription("The certificate Graph marks isActive on the connector.")
    String activeThumbprint,
    @JsonPropertyDescription("Graph's certificateList as last returned. Not rewritten at every read: the status "
        + "changes only when what Graph or the Secret holds changes.")
    List<GraphCertificateInfo> certificates,
    @JsonPropertyDescription("An upload this resource made or attempted that Graph's reads do not show yet (Entra's "
        + "reads may lag its writes). While it is younger than the settle window, the certificate is not posted "
        + "again; a restart or a new leader reads it here.")
    PendingUpload pendingUpload,
    @JsonPropertyDescription("Graph calls failed in a row for a transient cause without a Retry-After (which sets "
        + "the wait instead), at least 1 while failing; absent after a success.")
    Integer failedAttempts,
    @JsonPropertyDescription("When the next try after a transient failure is due.")
    String nextRetryTime,
    List<Condition> conditions) {

  /** True: the connector uses the Secret's certificate, or will at its notBefore. */
  public static final String READY = "Ready";
  /** Whether Graph marks the Secret's certificate active on the connector, and whether it expires soon. */
  public static final String ACTIVE = "Active";
  /** kstatus, abnormal-true: work for the current generation is under way (backoff after a transient failure). */
  public static final String RECONCILING = "Reconciling";
  /** kstatus, abnormal-true: nothing more happens until a person acts (a user problem or Graph's final refusal). */
  public static final String STALLED = "Stalled";

  public ApiConnectorCertificateStatus {
    certificates = certificates == null ? List.of() : List.copyOf(certificates);
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  public static ApiConnectorCertificateStatus empty() {
    return new ApiConnectorCertificateStatus(null, null, null, null, null, null, null, null, null, null, null, null,
        null);
  }

  public java.util.Optional<Condition> condition(String type) {
    return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ConnectorInfo(String id, String displayName, String targetUrl) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record CredentialsInfo(
      String scope,
      String secretName,
      String tenantId,
      String clientId,
      @JsonPropertyDescription("ClientSecret, ClientCertificate, WorkloadIdentity (a ServiceAccount of this namespace) "
          + "or SharedWorkloadIdentity (the operator's own token; legacy, allowed only by "
          + "ALLOW_SHARED_WORKLOAD_IDENTITY=true)")
      String kind) {

    public static final String SHARED_WORKLOAD_IDENTITY = "SharedWorkloadIdentity";
  }

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GraphInfo(String cloud, String endpoint, String apiVersion) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SecretCertificateInfo(
      String thumbprint,
      String subject,
      String notBefore,
      String notAfter,
      @JsonPropertyDescription("Where in the Secret the certificate was read: a PKCS#12 key such as keystore.p12, or "
          + "tls.crt+tls.key.")
      String key) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record PendingUpload(
      String connectorId,
      String thumbprint,
      @JsonPropertyDescription("When the upload was sent.")
      String time,
      @JsonPropertyDescription("Whether Graph's answer came back (false: a timeout or 5xx; it may have been applied).")
      Boolean answered) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record GraphCertificateInfo(String thumbprint, String notBefore, String notAfter, Boolean isActive) {}
}
