package io.connectorcert.graph;

import java.time.Instant;

/** One entry of the connector's certificateList. {@code active} is Graph's word; never computed here. */
public record ConnectorCertificate(String thumbprint, Instant notBefore, Instant notAfter, boolean active) {}
