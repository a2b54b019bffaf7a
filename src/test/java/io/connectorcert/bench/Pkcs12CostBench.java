package io.connectorcert.bench;

import io.connectorcert.certificate.CertificateRead;
import io.connectorcert.certificate.CertificateReader;
import io.connectorcert.certificate.SecretCertificate;
import io.connectorcert.support.HostilePkcs12;
import io.connectorcert.support.TestCertificates;
import io.connectorcert.support.TestCertificates.Encoding;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Collections;
import java.util.function.Supplier;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.pkcs.PKCS12PfxPduBuilder;
import org.bouncycastle.pkcs.PKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS12SafeBagBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder;

/**
 * CPU time of {@link CertificateReader#readPkcs12} on ordinary, at-the-cap and hostile PKCS#12 files (not a test: the
 * numbers depend on the machine). Thread CPU time of the reading thread; first (cold) run, then the median of 5.
 *
 * <pre>
 * mvn -B -o -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.connectorcert.bench.Pkcs12CostBench
 * </pre>
 */
public final class Pkcs12CostBench {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final String PW = "bench-password";
  private static final BouncyCastleProvider BC = new BouncyCastleProvider();
  private static final BigInteger HUGE = BigInteger.valueOf(Integer.MAX_VALUE);

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("pkcs12-cost-bench");
    var g = TestCertificates.generate(dir, "bench");
    int cap = CertificateReader.MAX_PKCS12_ITERATIONS;
    byte[] aes = TestCertificates.pfx(g, Encoding.AES_DEFAULT, PW);

    System.out.println("-- ordinary files");
    for (Encoding e : Encoding.values()) {
      byte[] pfx = TestCertificates.pfx(g, e, PW);
      measure(e + " (" + e.name().toLowerCase() + ")", () -> CertificateReader.readPkcs12(pfx, PW.toCharArray()));
    }
    System.out.println("-- at the cap (" + cap + " for MAC, key and certificates)");
    byte[] atCap = TestCertificates.pfxWithIterations(g, Encoding.AES_DEFAULT, PW, cap);
    measure("openssl -iter " + cap + ", AES", () -> CertificateReader.readPkcs12(atCap, PW.toCharArray()));
    measure("same, wrong password", () -> CertificateReader.readPkcs12(atCap, "wrong".toCharArray()));
    byte[] atCapEmpty = TestCertificates.pfxWithIterations(g, Encoding.LEGACY_RC2, "", cap);
    measure("openssl -legacy -iter " + cap + ", empty password", () -> CertificateReader.readPkcs12(atCapEmpty, null));
    measure("same, wrong password", () -> CertificateReader.readPkcs12(atCapEmpty, "wrong".toCharArray()));
    SecretCertificate c = ((CertificateRead.Ok) CertificateReader.readPkcs12(aes, PW.toCharArray())).certificate();
    // the most expensive PRF the JDK reads, as much of it as the work budget allows (2*300k + 10*150k + 5*180k)
    byte[] sha512 = sha512File(c, PW, cap, 150_000, 180_000);
    measure("PBKDF2-HMAC-SHA512 key 180k + content 150k, MAC 300k", () -> CertificateReader.readPkcs12(sha512,
        PW.toCharArray()));
    measure("same, wrong password", () -> CertificateReader.readPkcs12(sha512, "wrong".toCharArray()));

    System.out.println("-- hostile files (refused)");
    hostile("MAC count 2^31-1", HostilePkcs12.withMacIterations(aes, HUGE));
    hostile("key bag PBES2 count 2^31-1", HostilePkcs12.withKeyIterations(aes, PW, HUGE));
    hostile("certificate content PBES2 count 2^31-1", HostilePkcs12.withCertificateIterations(aes, PW, HUGE));
    hostile("key bag count 2^31-1 inside encrypted content",
        HostilePkcs12.withKeyHiddenInEncryptedContent(aes, PW, HUGE, 2048));
    hostile("6 encrypted contents at the cap",
        HostilePkcs12.withCertificateContentRepeated(aes, PW, 6, BigInteger.valueOf(cap)));
    hostile("101 encrypted contents at 2048",
        HostilePkcs12.withCertificateContentRepeated(aes, PW, 101, BigInteger.valueOf(2048)));

    System.out.println("-- the JDK's KeyStore alone, at its own limit (openssl -iter 5000000)");
    byte[] jdkLimit = TestCertificates.pfxWithIterations(g, Encoding.AES_DEFAULT, PW, 5_000_000);
    measure("KeyStore.load + getKey", () -> {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(new ByteArrayInputStream(jdkLimit), PW.toCharArray());
        for (String alias : Collections.list(store.aliases())) {
          store.getKey(alias, PW.toCharArray());
        }
        return "loaded";
      } catch (Exception e) {
        return e.toString();
      }
    });
    measure("CertificateReader on it", () -> CertificateReader.readPkcs12(jdkLimit, PW.toCharArray()));
  }

  private static void hostile(String name, byte[] pfx) {
    measure(name, () -> CertificateReader.readPkcs12(pfx, PW.toCharArray()));
  }

  private static void measure(String name, Supplier<Object> read) {
    long[] cpu = new long[6];
    Object result = null;
    for (int i = 0; i < cpu.length; i++) {
      long start = THREADS.getCurrentThreadCpuTime();
      result = read.get();
      cpu[i] = THREADS.getCurrentThreadCpuTime() - start;
    }
    long[] warm = Arrays.copyOfRange(cpu, 1, cpu.length);
    Arrays.sort(warm);
    System.out.printf("%-58s cold %6.3f s  median %6.3f s  -> %s%n", name, cpu[0] / 1e9, warm[warm.length / 2] / 1e9,
        describe(result));
  }

  private static String describe(Object result) {
    if (result instanceof CertificateRead.Ok) {
      return "Ok";
    }
    if (result instanceof CertificateRead.Problem p) {
      return p.reason() + ": " + p.message();
    }
    return String.valueOf(result);
  }

  /** Key bag and encrypted certificate content in PBES2 with PBKDF2-HMAC-SHA512 (AES-256-CBC), HMAC-SHA256 MAC. */
  private static byte[] sha512File(SecretCertificate c, String password, int macCount, int contentCount, int keyCount)
      throws Exception {
    char[] pw = password.toCharArray();
    AlgorithmIdentifier sha512 = new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA512, DERNull.INSTANCE);
    var localKeyId = new JcaX509ExtensionUtils().createSubjectKeyIdentifier(c.leaf().getPublicKey());
    PKCS12SafeBagBuilder certBag = new JcaPKCS12SafeBagBuilder(c.leaf());
    certBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
    PKCS12SafeBagBuilder keyBag = new JcaPKCS12SafeBagBuilder(c.privateKey(),
        new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC).setProvider(BC).setPRF(sha512)
            .setIterationCount(keyCount).build(pw));
    keyBag.addBagAttribute(PKCSObjectIdentifiers.pkcs_9_at_localKeyId, localKeyId);
    PKCS12PfxPduBuilder builder = new PKCS12PfxPduBuilder();
    builder.addData(keyBag.build());
    builder.addEncryptedData(new JcePKCSPBEOutputEncryptorBuilder(NISTObjectIdentifiers.id_aes256_CBC)
        .setProvider(BC).setPRF(sha512).setIterationCount(contentCount).build(pw), certBag.build());
    return builder.build(new JcePKCS12MacCalculatorBuilder(NISTObjectIdentifiers.id_sha256)
        .setProvider(BC).setIterationCount(macCount), pw).getEncoded(ASN1Encoding.DER);
  }
}
