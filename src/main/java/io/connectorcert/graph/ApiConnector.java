package io.connectorcert.graph;

import java.util.List;
import java.util.Optional;

import io.connectorcert.certificate.Thumbprints;

/** The public facts of an API connector that Graph returns. */
public record ApiConnector(String id, String displayName, String targetUrl, List<ConnectorCertificate> certificates) {

  public ApiConnector {
    certificates = certificates == null ? List.of() : List.copyOf(certificates);
  }

  public Optional<ConnectorCertificate> certificate(String thumbprint) {
    return certificates.stream().filter(c -> Thumbprints.same(c.thumbprint(), thumbprint)).findFirst();
  }

  public boolean holds(String thumbprint) {
    return certificate(thumbprint).isPresent();
  }

  public Optional<ConnectorCertificate> active() {
    return certificates.stream().filter(ConnectorCertificate::active).findFirst();
  }
}
