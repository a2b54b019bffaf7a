package io.connectorcert.graph;

import io.connectorcert.credentials.GraphRoute;

/** Hands out the Graph client for a route (credential and target); clients and their tokens are shared. */
public interface ConnectorClients {

  ConnectorCertificateClient clientFor(GraphRoute route);
}
