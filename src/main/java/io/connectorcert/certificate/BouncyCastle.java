package io.connectorcert.certificate;

import java.security.Provider;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The one BouncyCastle provider instance this package hands to BC builders explicitly. It is never registered with
 * {@link java.security.Security}: the rest of the JVM keeps the JDK providers only.
 */
final class BouncyCastle {

  static final Provider PROVIDER = new BouncyCastleProvider();

  private BouncyCastle() {}
}
