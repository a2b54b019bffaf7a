package io.connectorcert.credentials;

import java.net.URI;

/** Where one resource's Graph calls go and where its tokens come from. */
public record GraphTarget(Cloud cloud, URI graphEndpoint, URI authorityHost, String apiVersion) {

  /** The token scope for this Graph endpoint. */
  public String scope() {
    return graphEndpoint + "/.default";
  }
}
