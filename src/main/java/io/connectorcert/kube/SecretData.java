package io.connectorcert.kube;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Secret;

/** A Secret's values as bytes. */
public final class SecretData {

  private SecretData() {}

  /** Secret data is base64 in {@code data}; {@code stringData} appears only on objects not yet stored. */
  public static Map<String, byte[]> of(Secret secret) {
    var result = new HashMap<String, byte[]>();
    if (secret.getStringData() != null) {
      secret.getStringData().forEach((k, v) -> result.put(k, v.getBytes(StandardCharsets.UTF_8)));
    }
    if (secret.getData() != null) {
      var decoder = Base64.getMimeDecoder();
      secret.getData().forEach((k, v) -> result.put(k, v == null ? new byte[0] : decoder.decode(v)));
    }
    return result;
  }
}
