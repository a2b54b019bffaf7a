package io.connectorcert.graph;

import io.connectorcert.certificate.Pkcs12Upload;

/** What the operator asks of Microsoft Graph, in its own verbs. */
public interface ConnectorCertificateClient {

  /** GET the API connector with its certificate list. */
  ApiConnector readConnector(String connectorId) throws GraphFailure;

  /**
   * POST one PKCS#12 to the connector, exactly once: no automatic re-send, since an unanswered upload may have been
   * applied. Returns the connector as Graph answers it.
   */
  default ApiConnector uploadCertificate(String connectorId, Pkcs12Upload upload) throws GraphFailure {
    return uploadCertificate(connectorId, upload, () -> { });
  }

  /**
   * As above; {@code beforeSend} runs once the upload holds its traffic permit, right before it is sent (the last
   * moment to check leadership and record the attempt). What it throws is not Graph's: it propagates as it is, and
   * nothing is sent.
   */
  ApiConnector uploadCertificate(String connectorId, Pkcs12Upload upload, Runnable beforeSend) throws GraphFailure;
}
