package io.connectorcert.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.AuthenticatedSafe;
import org.bouncycastle.asn1.pkcs.ContentInfo;
import org.bouncycastle.asn1.pkcs.EncryptedData;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.MacData;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCS12PBEParams;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Pfx;
import org.bouncycastle.asn1.pkcs.SafeBag;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.DigestInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.MacCalculator;
import org.bouncycastle.pkcs.jcajce.JcePKCS12MacCalculatorBuilder;

/**
 * PKCS#12 files with iteration counts no honest tool writes, made by rewriting a real file's ASN.1 (as openssl or
 * keytool wrote it): the MAC's count, or the PBES1/PBES2 counts of its shrouded key bags or of its encrypted content
 * (where the certificate bags are).
 *
 * <p>A count that large cannot be honoured while making the file (that would take the very minutes the operator must
 * not spend), so a rewritten part is not decryptable with the count it claims. Where the MAC can still be computed
 * honestly (the MAC's own count is left alone), it is recomputed over the rewritten content with the same digest,
 * count and password, so that the file passes the integrity check and only the rewritten part is hostile: the operator
 * must refuse it from the count alone, before any key derivation. A rewritten MAC count keeps the old MAC value (a
 * 2^31 count cannot be computed honestly).
 */
public final class HostilePkcs12 {

  private static final BouncyCastleProvider BC = new BouncyCastleProvider(); // an instance, never registered

  private HostilePkcs12() {}

  /** The file with its MAC iteration count replaced; the MAC value is left as it was (no longer honest). */
  public static byte[] withMacIterations(byte[] pfx, BigInteger iterations) {
    Pfx parsed = Pfx.getInstance(pfx);
    MacData mac = parsed.getMacData();
    if (mac == null) {
      throw new IllegalArgumentException("the file has no MAC to rewrite");
    }
    // MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }; the BC constructor
    // takes an int, so the sequence is written by hand to allow counts beyond 2^31 - 1
    ASN1Sequence macData = new DERSequence(new ASN1Encodable[] {
        mac.getMac(), new DEROctetString(mac.getSalt()), new ASN1Integer(iterations)});
    return der(new DERSequence(new ASN1Encodable[] {
        new ASN1Integer(3), parsed.getAuthSafe(), macData}));
  }

  /**
   * The file with every pkcs8ShroudedKeyBag in plain (unencrypted) content claiming {@code iterations}, its MAC
   * recomputed honestly with {@code password}.
   */
  public static byte[] withKeyIterations(byte[] pfx, String password, BigInteger iterations) {
    return rewriteContents(pfx, password, info -> {
      if (!info.getContentType().equals(PKCSObjectIdentifiers.data)) {
        return info;
      }
      ASN1Sequence bags = ASN1Sequence.getInstance(ASN1OctetString.getInstance(info.getContent()).getOctets());
      List<ASN1Encodable> rewritten = new ArrayList<>();
      for (ASN1Encodable b : bags) {
        SafeBag bag = SafeBag.getInstance(b);
        if (bag.getBagId().equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag)) {
          EncryptedPrivateKeyInfo key = EncryptedPrivateKeyInfo.getInstance(bag.getBagValue());
          bag = new SafeBag(bag.getBagId(),
              new EncryptedPrivateKeyInfo(withIterations(key.getEncryptionAlgorithm(), iterations),
                  key.getEncryptedData()),
              bag.getBagAttributes());
        }
        rewritten.add(bag);
      }
      return new ContentInfo(PKCSObjectIdentifiers.data,
          new DEROctetString(der(new DERSequence(rewritten.toArray(ASN1Encodable[]::new)))));
    });
  }

  /** The file with every encryptedData content (the certificate bags) claiming {@code iterations}, MAC recomputed. */
  public static byte[] withCertificateIterations(byte[] pfx, String password, BigInteger iterations) {
    return rewriteContents(pfx, password, info -> {
      if (!info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
        return info;
      }
      EncryptedData data = EncryptedData.getInstance(info.getContent());
      return new ContentInfo(PKCSObjectIdentifiers.encryptedData, new EncryptedData(data.getContentType(),
          withIterations(data.getEncryptionAlgorithm(), iterations), data.getContent()));
    });
  }

  /**
   * The file with its encryptedData content repeated until there are {@code copies} of it, each claiming
   * {@code iterations}; MAC recomputed. Each copy alone is within any per-part cap at a modest count; together they
   * are many derivations.
   */
  public static byte[] withCertificateContentRepeated(byte[] pfx, String password, int copies, BigInteger iterations) {
    byte[] rewritten = withCertificateIterations(pfx, password, iterations);
    Pfx parsed = Pfx.getInstance(rewritten);
    ContentInfo[] infos = authenticatedSafe(parsed).getContentInfo();
    List<ContentInfo> out = new ArrayList<>();
    for (ContentInfo info : infos) {
      out.add(info);
      if (info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
        for (int i = 1; i < copies; i++) {
          out.add(info);
        }
      }
    }
    return withMac(out.toArray(ContentInfo[]::new), parsed.getMacData(), password);
  }

  /**
   * A file whose only key bag hides inside an encrypted content (next to the certificate bag), claiming
   * {@code keyIterations}, the content itself encrypted honestly at {@code contentIterations}: the key's count can only
   * be seen after decrypting the content. Built from {@code pfx} (an openssl file with the key bag in plain content and
   * the certificate in PBES2 encrypted content): the content is decrypted with {@code password}, the key bag moved in,
   * and the whole encrypted again with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) at {@code contentIterations}.
   */
  public static byte[] withKeyHiddenInEncryptedContent(byte[] pfx, String password, BigInteger keyIterations,
      int contentIterations) {
    try {
      Pfx parsed = Pfx.getInstance(pfx);
      List<ASN1Encodable> bags = new ArrayList<>();
      var decryptors = new org.bouncycastle.pkcs.jcajce.JcePKCSPBEInputDecryptorProviderBuilder()
          .setProvider(BC).build(password.toCharArray());
      for (ContentInfo info : authenticatedSafe(parsed).getContentInfo()) {
        ASN1Sequence contentBags;
        if (info.getContentType().equals(PKCSObjectIdentifiers.encryptedData)) {
          EncryptedData data = EncryptedData.getInstance(info.getContent());
          byte[] plain = org.bouncycastle.util.io.Streams.readAll(decryptors.get(data.getEncryptionAlgorithm())
              .getInputStream(new java.io.ByteArrayInputStream(data.getContent().getOctets())));
          contentBags = ASN1Sequence.getInstance(plain);
        } else {
          contentBags = ASN1Sequence.getInstance(ASN1OctetString.getInstance(info.getContent()).getOctets());
        }
        for (ASN1Encodable b : contentBags) {
          SafeBag bag = SafeBag.getInstance(b);
          if (bag.getBagId().equals(PKCSObjectIdentifiers.pkcs8ShroudedKeyBag)) {
            EncryptedPrivateKeyInfo key = EncryptedPrivateKeyInfo.getInstance(bag.getBagValue());
            bag = new SafeBag(bag.getBagId(), new EncryptedPrivateKeyInfo(
                withIterations(key.getEncryptionAlgorithm(), keyIterations), key.getEncryptedData()),
                bag.getBagAttributes());
          }
          bags.add(bag);
        }
      }
      var encryptor = new org.bouncycastle.pkcs.jcajce.JcePKCSPBEOutputEncryptorBuilder(
              NISTObjectIdentifiers.id_aes256_CBC)
          .setProvider(BC)
          .setPRF(new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE))
          .setIterationCount(contentIterations)
          .build(password.toCharArray());
      ByteArrayOutputStream cipherText = new ByteArrayOutputStream();
      try (OutputStream out = encryptor.getOutputStream(cipherText)) {
        out.write(der(new DERSequence(bags.toArray(ASN1Encodable[]::new))));
      }
      ContentInfo encrypted = new ContentInfo(PKCSObjectIdentifiers.encryptedData, new EncryptedData(
          PKCSObjectIdentifiers.data, encryptor.getAlgorithmIdentifier(), new DEROctetString(cipherText.toByteArray())));
      return withMac(new ContentInfo[] {encrypted}, parsed.getMacData(), password);
    } catch (Exception e) {
      throw new IllegalStateException("could not build the file", e);
    }
  }

  // ---------------------------------------------------------------------------------------------- internals

  /** The same PBES1 or PBES2 (PBKDF2) algorithm identifier with its iteration count replaced. */
  static AlgorithmIdentifier withIterations(AlgorithmIdentifier algorithm, BigInteger iterations) {
    if (algorithm.getAlgorithm().equals(PKCSObjectIdentifiers.id_PBES2)) {
      PBES2Parameters pbes2 = PBES2Parameters.getInstance(algorithm.getParameters());
      PBKDF2Params kdf = PBKDF2Params.getInstance(pbes2.getKeyDerivationFunc().getParameters());
      // PBKDF2-params ::= SEQUENCE { salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1 }
      List<ASN1Encodable> fields = new ArrayList<>();
      fields.add(new DEROctetString(kdf.getSalt()));
      fields.add(new ASN1Integer(iterations));
      if (kdf.getKeyLength() != null) {
        fields.add(new ASN1Integer(kdf.getKeyLength()));
      }
      if (!kdf.isDefaultPrf()) {
        fields.add(kdf.getPrf());
      }
      KeyDerivationFunc func = new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2,
          new DERSequence(fields.toArray(ASN1Encodable[]::new)));
      return new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2,
          new PBES2Parameters(func, EncryptionScheme.getInstance(pbes2.getEncryptionScheme())));
    }
    PKCS12PBEParams params = PKCS12PBEParams.getInstance(algorithm.getParameters());
    return new AlgorithmIdentifier(algorithm.getAlgorithm(), new DERSequence(new ASN1Encodable[] {
        new DEROctetString(params.getIV()), new ASN1Integer(iterations)}));
  }

  private static byte[] rewriteContents(byte[] pfx, String password, UnaryOperator<ContentInfo> rewrite) {
    Pfx parsed = Pfx.getInstance(pfx);
    ContentInfo[] infos = authenticatedSafe(parsed).getContentInfo();
    ContentInfo[] rewritten = new ContentInfo[infos.length];
    for (int i = 0; i < infos.length; i++) {
      rewritten[i] = rewrite.apply(infos[i]);
    }
    return withMac(rewritten, parsed.getMacData(), password);
  }

  private static AuthenticatedSafe authenticatedSafe(Pfx pfx) {
    return AuthenticatedSafe.getInstance(ASN1OctetString.getInstance(pfx.getAuthSafe().getContent()).getOctets());
  }

  /** A Pfx over these contents, with a MAC computed honestly with the digest and count of {@code template}. */
  private static byte[] withMac(ContentInfo[] contents, MacData template, String password) {
    byte[] authSafe = der(new AuthenticatedSafe(contents));
    ContentInfo authSafeInfo = new ContentInfo(PKCSObjectIdentifiers.data, new DEROctetString(authSafe));
    if (template == null) {
      return der(new Pfx(authSafeInfo, null));
    }
    ASN1ObjectIdentifier digest = template.getMac().getAlgorithmId().getAlgorithm();
    try {
      MacCalculator mac = new JcePKCS12MacCalculatorBuilder(digest)
          .setProvider(BC)
          .setIterationCount(template.getIterationCount().intValueExact())
          .build(password.toCharArray());
      try (OutputStream out = mac.getOutputStream()) {
        out.write(authSafe);
      }
      PKCS12PBEParams params = PKCS12PBEParams.getInstance(mac.getAlgorithmIdentifier().getParameters());
      MacData macData = new MacData(new DigestInfo(new AlgorithmIdentifier(digest, DERNull.INSTANCE), mac.getMac()),
          params.getIV(), params.getIterations().intValueExact());
      return der(new Pfx(authSafeInfo, macData));
    } catch (Exception e) {
      throw new IllegalStateException("could not compute the MAC", e);
    }
  }

  private static byte[] der(org.bouncycastle.asn1.ASN1Object object) {
    try {
      return object.getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
