package io.connectorcert.demo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Signs ServiceAccount tokens as a Kubernetes API server does (RS256 JWTs with {@code iss}, {@code sub}
 * {@code system:serviceaccount:<namespace>:<name>}, {@code aud}, {@code exp}, {@code iat}, {@code nbf}, {@code jti}
 * and the {@code kubernetes.io} claim), with a key made at start. Its {@link #issuer()} and {@link #publicKey()} are
 * what a cluster publishes through its OIDC discovery document, for an Entra stand-in to trust.
 */
public final class ServiceAccountTokenIssuer {

  /** The issuer of a cluster that does not set --service-account-issuer otherwise. */
  public static final String DEFAULT_ISSUER = "https://kubernetes.default.svc.cluster.local";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String issuer;
  private final KeyPair key;
  private final String keyId;
  private final Clock clock;
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

  public ServiceAccountTokenIssuer(String issuer, Clock clock) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.clock = Objects.requireNonNull(clock, "clock");
    try {
      var generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      this.key = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make a service account signing key", e);
    }
    this.keyId = UUID.randomUUID().toString();
  }

  public ServiceAccountTokenIssuer() {
    this(DEFAULT_ISSUER, Clock.systemUTC());
  }

  public String issuer() {
    return issuer;
  }

  /** The key that verifies every token this issuer signs. */
  public PublicKey publicKey() {
    return key.getPublic();
  }

  /** The id ({@code kid}) in the header of every token. */
  public String keyId() {
    return keyId;
  }

  /** Every token issued from now on is handed to {@code listener} (tests: register it as a secret). */
  public void onIssue(Consumer<String> listener) {
    listeners.add(listener);
  }

  /** A token as the API server issues it for a TokenRequest, or the kubelet projects it. */
  public Issued issue(String namespace, String serviceAccount, String uid, List<String> audiences, Duration expiry) {
    var now = clock.instant();
    var expires = now.plus(expiry);
    var claims = new LinkedHashMap<String, Object>();
    claims.put("aud", audiences);
    claims.put("exp", expires.getEpochSecond());
    claims.put("iat", now.getEpochSecond());
    claims.put("iss", issuer);
    claims.put("jti", UUID.randomUUID().toString());
    claims.put("kubernetes.io", Map.of("namespace", namespace,
        "serviceaccount", Map.of("name", serviceAccount, "uid", uid)));
    claims.put("nbf", now.getEpochSecond());
    claims.put("sub", "system:serviceaccount:" + namespace + ":" + serviceAccount);
    var token = sign(claims);
    listeners.forEach(listener -> listener.accept(token));
    return new Issued(token, expires);
  }

  /** A signed token and when it expires; {@link #toString()} shows no token. */
  public record Issued(String token, Instant expiresAt) {
    @Override
    public String toString() {
      return "Issued[expires " + expiresAt + "]";
    }
  }

  private String sign(Map<String, Object> claims) {
    try {
      var header = new LinkedHashMap<String, Object>();
      header.put("alg", "RS256");
      header.put("kid", keyId);
      var input = base64Url(JSON.writeValueAsBytes(header)) + "." + base64Url(JSON.writeValueAsBytes(claims));
      var signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key.getPrivate());
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + base64Url(signer.sign());
    } catch (JsonProcessingException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a service account token", e);
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
