package io.connectorcert.api.v1alpha1;

/** Condition reasons: the words users grep for, alert on and read in kubectl get. */
public final class Reasons {

  private Reasons() {}

  // Ready=True
  public static final String UPLOADED = "Uploaded";
  public static final String IN_SYNC = "InSync";

  // Ready=False: the user's to fix; retried on the next change and at the periodic resync
  public static final String SECRET_NOT_FOUND = "SecretNotFound";
  public static final String SECRET_KEY_NOT_FOUND = "SecretKeyNotFound";
  public static final String PASSWORD_SECRET_NOT_FOUND = "PasswordSecretNotFound";
  public static final String INVALID_CERTIFICATE = "InvalidCertificate";
  public static final String WRONG_PASSWORD = "WrongPassword";
  public static final String NO_PRIVATE_KEY = "NoPrivateKey";
  public static final String CERTIFICATE_EXPIRED = "CertificateExpired";
  public static final String CONNECTOR_CONFLICT = "ConnectorConflict";
  /** The connector holds the Secret's certificate but Graph marks another one active: B2C sends that one. */
  public static final String SUPERSEDED = "Superseded";
  public static final String INVALID_CREDENTIALS = "InvalidCredentials";
  public static final String UNSUPPORTED_CLOUD_API_VERSION = "UnsupportedCloudApiVersion";

  // Ready=False: Graph said no
  public static final String CONNECTOR_NOT_FOUND = "ConnectorNotFound";
  public static final String FORBIDDEN = "Forbidden";
  public static final String AUTHENTICATION_FAILED = "AuthenticationFailed";
  public static final String GRAPH_REJECTED = "GraphRejected";
  // Ready=False: transient, retried with backoff
  public static final String GRAPH_UNAVAILABLE = "GraphUnavailable";
  /** An upload got no answer and Graph's reads do not show it yet: read again, upload again only after the window. */
  public static final String UPLOAD_UNCONFIRMED = "UploadUnconfirmed";

  // Events only
  /** A credentials Secret uses the operator's own token (legacy workloadIdentity: "true"), allowed by the setting. */
  public static final String SHARED_WORKLOAD_IDENTITY = "SharedWorkloadIdentity";
  /** Graph's reads still lack an upload after the settle window: uploaded again. */
  public static final String UPLOAD_NOT_VISIBLE = "UploadNotVisible";

  // Active
  public static final String ACTIVE = "Active";
  public static final String NOT_YET_ACTIVE = "NotYetActive";
  public static final String NOT_UPLOADED = "NotUploaded";
  /** Active=True, and the certificate expires within EXPIRY_WARNING with no later one on the connector. */
  public static final String EXPIRING_SOON = "ExpiringSoon";
}
