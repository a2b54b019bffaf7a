package io.connectorcert.support;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every secret value any test of this JVM wrote into a Secret or handed to Graph or Entra, and every text the operator
 * wrote where people read (events, statuses), so that the last test class can scan the whole suite's output.
 */
public final class SecretRegistry {

  /** Long enough that it cannot match by chance, short enough to catch a fragment. */
  public static final int WINDOW = 16;

  private static final Set<String> exact = ConcurrentHashMap.newKeySet();
  private static final Set<String> windows = ConcurrentHashMap.newKeySet();
  private static final List<String> written = new CopyOnWriteArrayList<>();

  private SecretRegistry() {}

  /** A password, client secret or token: must not appear anywhere. */
  public static void secretText(String value) {
    if (value != null && value.length() >= 6) {
      exact.add(value);
    }
  }

  /** Secret bytes (.pfx, key): no 16-character window of their base64, nor of PEM lines, may appear. */
  public static void secretBytes(byte[] value) {
    if (value == null || value.length < 32) {
      return;
    }
    addWindows(Base64.getEncoder().encodeToString(value));
    // inside PEM, the private key's own base64 lines (certificates are public)
    var inKey = false;
    for (var line : new String(value, StandardCharsets.US_ASCII).split("\n")) {
      if (line.startsWith("-----BEGIN") && line.contains("PRIVATE KEY")) {
        inKey = true;
      } else if (line.startsWith("-----END")) {
        inKey = false;
      } else if (inKey) {
        addWindows(line.strip());
      }
    }
  }

  /** Keys of Secrets whose values are public: ids, names, certificates. */
  private static final Set<String> PUBLIC_KEYS = Set.of("tenantId", "clientId", "cloud", "workloadIdentity",
      "serviceAccountName", "tls.crt", "ca.crt", "note");

  /** A value stored in a Secret: passwords and client secrets by text, key material as bytes. */
  public static void secretValue(String key, byte[] value) {
    if (PUBLIC_KEYS.contains(key)) {
      return;
    }
    if (key.toLowerCase().contains("password") || key.equals("clientSecret")) {
      secretText(new String(value, StandardCharsets.UTF_8));
    }
    secretBytes(value);
  }

  /** Text the operator wrote for people: an event message, a status. */
  public static void operatorWrote(String text) {
    written.add(text);
  }

  private static void addWindows(String text) {
    for (int i = 0; i + WINDOW <= text.length(); i++) {
      windows.add(text.substring(i, i + WINDOW));
    }
  }

  /** The lines among {@code texts} that hold any registered secret, with what they hold. */
  public static List<String> hits(List<String> texts) {
    var found = new ArrayList<String>();
    for (var text : texts) {
      for (var secret : exact) {
        if (text.contains(secret)) {
          found.add("secret text in: " + abbreviate(text));
        }
      }
      for (int i = 0; i + WINDOW <= text.length(); i++) {
        if (windows.contains(text.substring(i, i + WINDOW))) {
          found.add("secret bytes " + text.substring(i, i + WINDOW) + " in: " + abbreviate(text));
          break;
        }
      }
    }
    return found;
  }

  public static List<String> written() {
    return List.copyOf(written);
  }

  public static int registered() {
    return exact.size() + windows.size();
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
