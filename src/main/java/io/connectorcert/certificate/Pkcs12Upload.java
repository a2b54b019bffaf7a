package io.connectorcert.certificate;

import java.util.Arrays;

/**
 * A PKCS#12 made for one upload and the random password that protects it. Lives only in memory; {@link #toString()}
 * never shows either part.
 */
public record Pkcs12Upload(byte[] pkcs12, String password) {

  @Override
  public String toString() {
    return "Pkcs12Upload[" + pkcs12.length + " bytes, password redacted]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pkcs12Upload other
        && Arrays.equals(pkcs12, other.pkcs12)
        && password.equals(other.password);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(pkcs12);
  }
}
