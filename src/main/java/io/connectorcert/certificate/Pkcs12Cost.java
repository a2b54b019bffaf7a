package io.connectorcert.certificate;

import io.connectorcert.certificate.CertificateRead.Problem;
import io.connectorcert.certificate.CertificateRead.Reason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PBMAC1Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.InputDecryptorProvider;
import org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder;
import org.bouncycastle.util.io.Streams;

/**
 * Bounds what a PKCS#12 can cost before any key derivation runs: reads its ASN.1 structure (no password needed) and
 * refuses iteration counts over a cap (MAC, shrouded key bags, encrypted content), too many encrypted parts, key
 * derivations other than the ones the JDK reads, and files whose derivations together would cost too much.
 *
 * <p>Shrouded key bags inside encrypted content are only visible once that content is decrypted. When everything
 * visible is within bounds, each encrypted content (at a count already checked) is decrypted here with the password
 * and its bags are checked the same way. The password is not verified yet at that point (the JDK does that by the MAC
 * afterwards): content that does not decrypt is reported as not inspected, and the caller decides.
 *
 * <p>Messages name the part and the count; never bytes, base64 or the password.
 */
final class Pkcs12Cost {

  /**
   * Cap on each iteration count: the MAC's, and each shrouded key bag's or encrypted content's (PBES1 or PBES2/PBKDF2).
   *
   * <p>The JDK's own limit is 5,000,000 ({@code sun.security.pkcs12.PKCS12KeyStore.MAX_ITERATION_COUNT}, JDK 17; counts
   * above it are refused before deriving). Measured on the 2-core build machine (Java 17.0.15), a file with 5,000,000 for
   * its MAC, key and certificates ({@code openssl pkcs12 -export -iter 5000000}, PBKDF2-HMAC-SHA256) costs the JDK 2.2 s
   * of CPU to read, a single PBKDF2-HMAC-SHA512 part at 5,000,000 about 5 s: far over the one second a Secret may cost.
   * 300,000 is .NET's default for the same purpose ({@code Pkcs12LoaderLimits.IndividualKdfIterationLimit} and
   * {@code MacIterationLimit}); a file at 300,000 throughout costs the JDK 0.14 s and the whole read, this check
   * included, 0.37 s ({@code bench/Pkcs12CostBench}), and it is still far above what tools write: OpenSSL 2048,
   * keytool (JDK 17) 10,000, the JDK's legacy mode 50,000 (keys) and 100,000 (MAC).
   */
  static final int MAX_ITERATIONS = 300_000;

  /**
   * Cap on the derivation work of a whole file, in PBKDF2-HMAC-SHA256 iterations (about 0.22 µs each on the build
   * machine, so the cap is about 0.7 s of CPU): each part's count times what one of its iterations costs relative to
   * PBKDF2-HMAC-SHA256 (measured: HMAC-SHA1 for an AES-256 key 1.8x, HMAC-SHA384/512 4.7x, PKCS#12 PBE and PKCS#12 MAC
   * under 1.3x), times how often a read may run it (the MAC twice: by the JDK, then by BouncyCastle to tell a wrong
   * password; encrypted content twice: here, then by the JDK; each again when the password is empty, which the JDK
   * retries with a NUL character). A file at {@link #MAX_ITERATIONS} throughout in OpenSSL's default algorithms comes to
   * 1,500,000 (3,000,000 with an empty password). Like .NET's {@code TotalKdfIterationLimit} (1,000,000 iterations), this
   * stops a file from multiplying parts that are each within the cap. The most expensive file measured within it
   * (PBKDF2-HMAC-SHA512 key and content) reads in 0.47 s, 0.68 s cold.
   */
  static final long MAX_WORK = 3_000_000;

  /** Shrouded key bags plus encrypted contents. Tools write one or two; .NET allows 200 keys and 200 certificates. */
  static final int MAX_ENCRYPTED_PARTS = 100;

  /** PBKDF2 derives at most this many bytes (AES-256 needs 32). */
  private static final int MAX_KEY_LENGTH = 64;

  private static final String UNREADABLE = "the data is not a readable PKCS#12 (.pfx) file";

  /** Cost of one PBKDF2 iteration relative to HMAC-SHA256 (rounded up), per PRF the JDK supports. */
  private static final Map<ASN1ObjectIdentifier, Integer> PRF_WEIGHT = Map.of(
      PKCSObjectIdentifiers.id_hmacWithSHA1, 2,
      PKCSObjectIdentifiers.id_hmacWithSHA224, 1,
      PKCSObjectIdentifiers.id_hmacWithSHA256, 1,
      PKCSObjectIdentifiers.id_hmacWithSHA384, 5,
      PKCSObjectIdentifiers.id_hmacWithSHA512, 5,
      PKCSObjectIdentifiers.id_hmacWithSHA512_224, 5,
      PKCSObjectIdentifiers.id_hmacWithSHA512_256, 5);

  /** PBES1: the PKCS#12 PBE algorithms and PKCS#5 v1.5 PBE, all with SEQUENCE { salt OCTET STRING, count INTEGER }. */
  private static final java.util.Set<ASN1ObjectIdentifier> PBES1 = java.util.Set.of(
      PKCSObjectIdentifiers.pbeWithSHAAnd128BitRC4,
      PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC4,
      PKCSObjectIdentifiers.pbeWithSHAAnd3_KeyTripleDES_CBC,
      PKCSObjectIdentifiers.pbeWithSHAAnd2_KeyTripleDES_CBC,
      PKCSObjectIdentifiers.pbeWithSHAAnd128BitRC2_CBC,
      PKCSObjectIdentifiers.pbeWithSHAAnd40BitRC2_CBC,
      PKCSObjectIdentifiers.pbeWithMD2AndDES_CBC,
      PKCSObjectIdentifiers.pbeWithMD2AndRC2_CBC,
      PKCSObjectIdentifiers.pbeWithMD5AndDES_CBC,
      PKCSObjectIdentifiers.pbeWithMD5AndRC2_CBC,
      PKCSObjectIdentifiers.pbeWithSHA1AndDES_CBC,
      PKCSObjectIdentifiers.pbeWithSHA1AndRC2_CBC);

  /** The parts a message names. */
  enum Part {
    MAC("MAC"),
    KEY("key encryption"),
    CERTIFICATES("certificate encryption");

    private final String label;

    Part(String label) {
      this.label = label;
    }
  }

  /** Whether certificate bags were seen, where the answer is trustworthy only once the JDK verified the password. */
  enum Certificates { SOME, NONE, UNKNOWN }

  /**
   * What the check found.
   *
   * @param problem why the file is refused, or {@code null} when it may be handed to the JDK
   * @param inspectedEverything every encrypted content was decrypted and its bags checked
   * @param certificates certificate bags seen in plain and decrypted content ({@code UNKNOWN} unless everything was
   *     inspected)
   */
  record Checked(Problem problem, boolean inspectedEverything, Certificates certificates) {}

  private Pkcs12Cost() {}

  /** Checks {@code pkcs12} (at most {@link CertificateReader#MAX_INPUT_BYTES}) before the JDK derives anything. */
  static Checked check(byte[] pkcs12, char[] password) {
    try {
      return new Walk(password).run(pkcs12);
    } catch (Refused refused) {
      return new Checked(refused.problem, false, Certificates.UNKNOWN);
    } catch (IOException | RuntimeException e) {
      return new Checked(new Problem(Reason.INVALID_CERTIFICATE, UNREADABLE), false, Certificates.UNKNOWN);
    }
  }

  /** One check: the work counted so far and what was seen. */
  private static final class Walk {

    private final char[] password;
    /** How often a failed read runs each derivation: twice with an empty password (the JDK retries with NUL). */
    private final int tries;
    private long work;
    private int parts;
    private boolean sawCertificate;

    Walk(char[] password) {
      this.password = password;
      this.tries = password.length == 0 ? 2 : 1;
    }

    Checked run(byte[] pkcs12) throws IOException {
      ASN1Primitive top;
      try (ASN1InputStream in = new ASN1InputStream(new ByteArrayInputStream(pkcs12), pkcs12.length)) {
        top = in.readObject(); // the first object, as the JDK reads it; anything after it is ignored by both
      }
      Pfx pfx = Pfx.getInstance(top);
      MacData mac = pfx.getMacData();
      if (mac != null) {
        AlgorithmIdentifier macAlgorithm = mac.getMac().getAlgorithmId();
        if (macAlgorithm.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBMAC1)) {
          // RFC 9579: the MAC key comes from PBKDF2, whose count is in the parameters (MacData.iterations is ignored).
          // JDK 17 does not read it; BouncyCastle would, when it checks the password after the JDK refused the file.
          AlgorithmIdentifier kdf = PBMAC1Params.getInstance(macAlgorithm.getParameters()).getKeyDerivationFunc();
          if (!kdf.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)) {
            throw new Refused("the PKCS#12's MAC uses a key derivation other than PBKDF2, which the operator does"
                + " not read");
          }
          pbkdf2(Part.MAC, kdf.getParameters(), 2);
        } else {
          // MacData.iterations is INTEGER DEFAULT 1; BouncyCastle reports 1 when it is absent
          BigInteger count = mac.getIterationCount();
          checkCount(Part.MAC, count);
          add(Part.MAC, count, 2);
        }
      }
      ContentInfo authSafe = pfx.getAuthSafe();
      if (!authSafe.getContentType().equals(PKCSObjectIdentifiers.data)) {
        // public-key integrity mode (signedData): the JDK refuses it without deriving anything
        return new Checked(null, true, Certificates.UNKNOWN);
      }
      ContentInfo[] contents = AuthenticatedSafe.getInstance(
          ASN1OctetString.getInstance(authSafe.getContent()).getOctets()).getContentInfo();

      // 1. everything visible without the password
      List<EncryptedData> encrypted = new ArrayList<>();
      for (ContentInfo content : contents) {
        ASN1ObjectIdentifier type = content.getContentType();
        if (type.equals(PKCSObjectIdentifiers.data)) {
          bags(safeBags(ASN1Sequence.getInstance(ASN1OctetString.getInstance(content.getContent()).getOctets())));
        } else if (type.equals(PKCSObjectIdentifiers.encryptedData)) {
          EncryptedData data = EncryptedData.getInstance(content.getContent());
          encryption(Part.CERTIFICATES, data.getEncryptionAlgorithm(), 2);
          encrypted.add(data);
        }
        // envelopedData (public-key privacy mode): the JDK skips it, no password derivation
      }

      // 2. what encrypted content holds, decrypted at a count already within the caps
      boolean inspectedEverything = true;
      for (EncryptedData data : encrypted) {
        List<SafeBag> bags = decrypt(data);
        if (bags == null) {
          inspectedEverything = false;
        } else {
          bags(bags);
        }
      }
      Certificates certificates = !inspectedEverything ? Certificates.UNKNOWN
          : sawCertificate ? Certificates.SOME : Certificates.NONE;
      return new Checked(null, inspectedEverything, certificates);
    }

    private static List<SafeBag> safeBags(ASN1Sequence safeContents) {
      List<SafeBag> bags = new ArrayList<>(safeContents.size());
      for (ASN1Encodable element : safeContents) {
        bags.add(SafeBag.getInstance(element));
      }
      return bags;
    }

    private void bags(List<SafeBag> bags) {
      for (SafeBag bag : bags) {
        ASN1ObjectIdentifier id = bag.getBagId();
        if (id.equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag)) {
          encryption(Part.KEY, EncryptedPrivateKeyInfo.getInstance(bag.getBagValue()).getEncryptionAlgorithm(), 1);
        } else if (id.equals(PKCSObjectIdentifiers.certBag)) {
          sawCertificate = true;
        }
        // keyBag is not encrypted; the JDK ignores safeContentsBag and crlBag, and the reader never opens a
        // secretBag (it asks only for private key entries)
      }
    }

    /** Checks one PBES1 or PBES2 algorithm and counts its work, {@code runs} times (per password try). */
    private void encryption(Part part, AlgorithmIdentifier algorithm, int runs) {
      if (++parts > MAX_ENCRYPTED_PARTS) {
        throw new Refused("the PKCS#12 has more than " + MAX_ENCRYPTED_PARTS
            + " encrypted parts (keys and encrypted content); tools write one or two");
      }
      ASN1ObjectIdentifier oid = algorithm.getAlgorithm();
      if (oid.equals(PKCSObjectIdentifiers.id_PBES2)) {
        PBES2Parameters pbes2 = PBES2Parameters.getInstance(algorithm.getParameters());
        if (!pbes2.getKeyDerivationFunc().getAlgorithm().equals(PKCSObjectIdentifiers.id_PBKDF2)) {
          throw new Refused("the PKCS#12's " + part.label + " uses a key derivation other than PBKDF2, which the"
              + " operator does not read");
        }
        pbkdf2(part, pbes2.getKeyDerivationFunc().getParameters(), runs);
      } else if (PBES1.contains(oid)) {
        ASN1Sequence params = ASN1Sequence.getInstance(algorithm.getParameters());
        if (params.size() != 2) {
          throw new Refused(UNREADABLE);
        }
        ASN1OctetString.getInstance(params.getObjectAt(0));
        BigInteger count = ASN1Integer.getInstance(params.getObjectAt(1)).getValue();
        checkCount(part, count);
        add(part, count, runs);
      } else {
        throw new Refused("the PKCS#12's " + part.label + " uses an algorithm the operator does not read");
      }
    }

    /** Checks PBKDF2 parameters and counts their work. */
    private void pbkdf2(Part part, ASN1Encodable parameters, int runs) {
      PBKDF2Params kdf = PBKDF2Params.getInstance(parameters);
      Integer weight = PRF_WEIGHT.get(kdf.getPrf().getAlgorithm());
      if (weight == null) {
        throw new Refused("the PKCS#12's " + part.label + " uses a PBKDF2 function the operator does not read");
      }
      BigInteger keyLength = kdf.getKeyLength();
      if (keyLength != null
          && (keyLength.signum() <= 0 || keyLength.compareTo(BigInteger.valueOf(MAX_KEY_LENGTH)) > 0)) {
        throw new Refused("the PKCS#12's " + part.label + " asks PBKDF2 for a key of " + keyLength
            + " bytes; at most " + MAX_KEY_LENGTH + " are accepted");
      }
      BigInteger count = kdf.getIterationCount();
      checkCount(part, count);
      add(part, count, (long) weight * runs);
    }

    private void checkCount(Part part, BigInteger count) {
      if (count.signum() <= 0) {
        throw new Refused("the PKCS#12's " + part.label + " iteration count is " + count + ", not a positive number");
      }
      if (count.compareTo(BigInteger.valueOf(MAX_ITERATIONS)) > 0) {
        throw new Refused("the PKCS#12's " + part.label + " iteration count is " + count + ", over the cap of "
            + MAX_ITERATIONS + " (OpenSSL writes 2048, keytool 10000): export it again with a lower count");
      }
    }

    /** Adds {@code count} (already within the cap) times {@code weight} per try to the work, then checks the total. */
    private void add(Part part, BigInteger count, long weight) {
      work += count.longValueExact() * weight * tries;
      if (work > MAX_WORK) {
        throw new Refused("the PKCS#12's iteration counts (MAC, key and certificate encryption) add up to more"
            + " key-derivation work than the operator spends on one Secret (the " + part.label
            + " brought it over the cap); use fewer encrypted parts or lower counts");
      }
    }

    /** The bags of an encrypted content, or {@code null} when it does not decrypt to bags with this password. */
    private List<SafeBag> decrypt(EncryptedData data) {
      // like the JDK, an empty password is tried as is, then as a single NUL character (which BouncyCastle needs: it
      // refuses an empty PBES2 password, and encodes an empty PKCS#12 PBE password without the terminator OpenSSL
      // writes)
      List<InputDecryptorProvider> attempts = new ArrayList<>();
      attempts.add(builder().build(password));
      if (password.length == 0) {
        attempts.add(builder().build(new char[1]));
      }
      for (InputDecryptorProvider decryptors : attempts) {
        try {
          InputStream in = decryptors.get(data.getEncryptionAlgorithm())
              .getInputStream(new ByteArrayInputStream(data.getContent().getOctets()));
          byte[] plain = Streams.readAll(in);
          try (ASN1InputStream asn1 = new ASN1InputStream(new ByteArrayInputStream(plain), plain.length)) {
            return safeBags(ASN1Sequence.getInstance(asn1.readObject()));
          }
        } catch (Exception e) {
          // wrong password, or garbage that happened to pad correctly: try the next encoding
        }
      }
      return null;
    }

    private static JcePKCSPBEInputDecryptorProviderBuilder builder() {
      return new JcePKCSPBEInputDecryptorProviderBuilder().setProvider(BouncyCastle.PROVIDER);
    }
  }

  /** Ends a check with a problem. */
  private static final class Refused extends RuntimeException {
    private final Problem problem;

    Refused(String message) {
      super(null, null, false, false);
      this.problem = new Problem(Reason.INVALID_CERTIFICATE, message);
    }
  }
}
