package io.connectorcert.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Real certificate files for tests, made at test time by the {@code openssl} (3.x) and {@code keytool} command-line
 * tools, so tests check our code against what those tools write, not against our own encoder.
 *
 * <pre>{@code
 * @TempDir Path dir;
 *
 * Generated cert = TestCertificates.generate(dir, "connector-a");          // self-signed RSA 2048, 365 days
 * byte[] pfx = TestCertificates.pfx(cert, Encoding.LEGACY_3DES, "s3cret-pw"); // what a user would put in a Secret
 * byte[] crt = TestCertificates.certPem(cert);                            // tls.crt
 * byte[] key = TestCertificates.pkcs1Key(cert);                           // tls.key, BEGIN RSA PRIVATE KEY
 * String expected = cert.opensslThumbprint();                              // 40 upper-case hex digits from openssl
 * }</pre>
 *
 * <p><b>Caching.</b> Key generation is the slow part, so within one JVM the same kind of certificate with the same CN
 * (and validity) is made once and reused: two calls with the same arguments give the same key and certificate. Use
 * different CNs for certificates that must differ (e.g. a key that does not match a certificate). Each call still
 * copies the files into the {@code dir} you pass, so {@code @TempDir} clean-up works. PKCS#12 exports are cached by
 * (certificate, encoding, password); returned arrays are fresh copies.
 *
 * <p><b>Thread safety.</b> All methods are safe to call from parallel tests; concurrent calls for the same item wait
 * for one generation.
 *
 * <p><b>Secrets.</b> Passwords reach the tools through an environment variable ({@code -passout env:...}, keytool
 * {@code :env}), never on the command line, and failure messages show only the command and the tool's stderr.
 *
 * <p><b>Validity.</b> {@link #generate(Path, String, int)} uses {@code openssl req -x509 -days N}. OpenSSL 3.0's
 * {@code x509}/{@code req} cannot set an arbitrary notBefore, so {@link #generateWithValidity} (and {@link #expired},
 * {@link #notYetValid}) self-sign the request with {@code openssl ca -selfsign -startdate -enddate} and a throwaway
 * minimal CA configuration.
 */
public final class TestCertificates {

  /** How a PKCS#12 (.pfx) is written. */
  public enum Encoding {
    /** {@code openssl pkcs12 -export}: OpenSSL 3 default, AES-256-CBC with PBKDF2, HMAC-SHA256 MAC. */
    AES_DEFAULT,
    /** {@code openssl pkcs12 -export -legacy}: RC2-40 certificates, 3DES key, SHA-1 MAC (cert-manager LegacyRC2-like). */
    LEGACY_RC2,
    /** {@code -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES -macalg sha1} (cert-manager LegacyDES-like). */
    LEGACY_3DES,
    /** {@code -keypbe AES-256-CBC -certpbe AES-256-CBC -macalg sha256} (cert-manager Modern2023-like). */
    MODERN_2023,
    /**
     * {@code keytool -importkeystore -deststoretype PKCS12} from an OpenSSL-made file: what Java 17's keytool writes.
     * keytool needs a password of at least 6 characters.
     */
    KEYTOOL
  }

  /**
   * One generated certificate and its files.
   *
   * @param cn the subject CN
   * @param certPem the leaf certificate, PEM
   * @param keyPem the private key, PEM as openssl wrote it: PKCS#8 for RSA, SEC1 ({@code EC PRIVATE KEY}) for EC
   * @param caCertPem the issuing test CA's certificate, PEM, or {@code null} when the leaf is self-signed
   * @param opensslThumbprint SHA-1 fingerprint of the leaf per {@code openssl x509 -fingerprint -sha1}, 40 upper-case
   *     hex digits, no colons
   */
  public record Generated(String cn, Path certPem, Path keyPem, Path caCertPem, String opensslThumbprint) {

    public boolean hasCa() {
      return caCertPem != null;
    }

    @Override
    public String toString() {
      return "Generated[cn=" + cn + ", thumbprint=" + opensslThumbprint + (hasCa() ? ", CA-signed" : "") + "]";
    }
  }

  private static final Pattern SAFE_CN = Pattern.compile("[A-Za-z0-9 ._-]{1,64}");
  private static final DateTimeFormatter OPENSSL_DATE =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final String PASSWORD_VARIABLE = "TEST_CERTIFICATES_PASSWORD";
  private static final long TOOL_TIMEOUT_SECONDS = 60;

  private static final ConcurrentHashMap<Object, CompletableFuture<Object>> CACHE = new ConcurrentHashMap<>();
  private static final Path WORK = createWorkDirectory();

  private TestCertificates() {}

  // ---------------------------------------------------------------------------------------------- certificates

  /** A self-signed RSA 2048 certificate for {@code CN=cn}, valid from now for 365 days. */
  public static Generated generate(Path dir, String cn) {
    return generate(dir, cn, 365);
  }

  /** A self-signed RSA 2048 certificate for {@code CN=cn} ({@code openssl req -x509 -days validDays}). */
  public static Generated generate(Path dir, String cn, int validDays) {
    if (validDays < 1) {
      throw new IllegalArgumentException("validDays must be at least 1; use generateWithValidity for past dates");
    }
    return into(dir, new Spec(Kind.RSA, checkedCn(cn), validDays, null, null));
  }

  /** A self-signed certificate with an EC P-256 key; {@link Generated#keyPem()} is SEC1 ({@code EC PRIVATE KEY}). */
  public static Generated generateEc(Path dir, String cn) {
    return into(dir, new Spec(Kind.EC, checkedCn(cn), 365, null, null));
  }

  /**
   * An RSA 2048 leaf for {@code CN=cn} signed by its own throwaway test CA ({@code CN=cn Test CA}, RSA 2048), valid
   * 365 days; {@link Generated#caCertPem()} is set and every {@link #pfx} export includes the CA ({@code -certfile}).
   */
  public static Generated generateCaSigned(Path dir, String cn) {
    return into(dir, new Spec(Kind.CA_SIGNED, checkedCn(cn), 365, null, null));
  }

  /**
   * A self-signed RSA 2048 certificate with exactly these dates (second precision, UTC), made with {@code openssl ca
   * -selfsign -startdate -enddate}. Dates may lie in the past or in the future.
   */
  public static Generated generateWithValidity(Path dir, String cn, Instant notBefore, Instant notAfter) {
    Objects.requireNonNull(notBefore, "notBefore");
    Objects.requireNonNull(notAfter, "notAfter");
    if (!notAfter.isAfter(notBefore)) {
      throw new IllegalArgumentException("notAfter must be after notBefore");
    }
    return into(dir, new Spec(Kind.DATED, checkedCn(cn), 0,
        notBefore.truncatedTo(ChronoUnit.SECONDS), notAfter.truncatedTo(ChronoUnit.SECONDS)));
  }

  /** Expired: valid from 60 days ago until 30 days ago (midnight UTC, so it is cached for the day). */
  public static Generated expired(Path dir, String cn) {
    Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
    return generateWithValidity(dir, cn, today.minus(60, ChronoUnit.DAYS), today.minus(30, ChronoUnit.DAYS));
  }

  /** Not yet valid: valid from 30 days ahead for a year (midnight UTC). */
  public static Generated notYetValid(Path dir, String cn) {
    Instant today = Instant.now().truncatedTo(ChronoUnit.DAYS);
    return generateWithValidity(dir, cn, today.plus(30, ChronoUnit.DAYS), today.plus(395, ChronoUnit.DAYS));
  }

  // ---------------------------------------------------------------------------------------------- exports

  /**
   * The certificate and key as a PKCS#12 in the given encoding, plus the CA certificate for CA-signed ones. An empty
   * password makes a file with the empty password ({@code -passout pass:}); {@link Encoding#KEYTOOL} needs at least 6
   * characters.
   */
  public static byte[] pfx(Generated generated, Encoding encoding, String password) {
    Objects.requireNonNull(generated, "generated");
    Objects.requireNonNull(encoding, "encoding");
    Objects.requireNonNull(password, "password");
    if (encoding == Encoding.KEYTOOL && password.length() < 6) {
      throw new IllegalArgumentException("keytool refuses PKCS#12 passwords shorter than 6 characters");
    }
    return cached(List.of("pfx", generated.opensslThumbprint(), encoding, password),
        () -> makePfx(generated, encoding, password, List.of())).clone();
  }

  /**
   * The certificate and key as a PKCS#12 in the given encoding, with {@code openssl pkcs12 -export -iter iterations}:
   * the key's, the certificates' and the MAC's iteration counts are all {@code iterations} (OpenSSL's default is 2048).
   * Not for {@link Encoding#KEYTOOL}, which writes its own counts.
   */
  public static byte[] pfxWithIterations(Generated generated, Encoding encoding, String password, int iterations) {
    Objects.requireNonNull(generated, "generated");
    Objects.requireNonNull(password, "password");
    if (encoding == Encoding.KEYTOOL) {
      throw new IllegalArgumentException("keytool writes its own iteration counts");
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be at least 1");
    }
    return cached(List.of("pfx-iter", generated.opensslThumbprint(), encoding, password, iterations),
        () -> makePfx(generated, encoding, password, List.of("-iter", Integer.toString(iterations)))).clone();
  }

  /** A PKCS#12 with the certificate(s) only, no key ({@code openssl pkcs12 -export -nokeys}, OpenSSL 3 defaults). */
  public static byte[] certificateOnlyPfx(Generated generated, String password) {
    Objects.requireNonNull(password, "password");
    return cached(List.of("nokeys", generated.opensslThumbprint(), password), () -> {
      Path out = scratch().resolve("nokeys.p12");
      List<String> cmd = new ArrayList<>(List.of("openssl", "pkcs12", "-export", "-nokeys",
          "-in", chainFile(generated, false).toString(), "-passout", "env:" + PASSWORD_VARIABLE, "-out", out.toString()));
      run(cmd, password);
      return read(out);
    }).clone();
  }

  /** The leaf certificate alone, PEM (a tls.crt without chain). */
  public static byte[] certPem(Generated generated) {
    return read(generated.certPem());
  }

  /**
   * tls.crt with the leaf and the CA certificate, in the order leaf, CA; or CA, leaf when {@code caFirst}. Only for
   * {@link #generateCaSigned} certificates.
   */
  public static byte[] chainPem(Generated generated, boolean caFirst) {
    if (!generated.hasCa()) {
      throw new IllegalArgumentException(generated + " is self-signed: use generateCaSigned for a chain");
    }
    return read(chainFile(generated, caFirst));
  }

  /** The private key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), via {@code openssl pkey}. */
  public static byte[] pkcs8Key(Generated generated) {
    return cached(List.of("pkcs8", generated.opensslThumbprint()), () -> {
      Path out = scratch().resolve("pkcs8.key");
      run(List.of("openssl", "pkey", "-in", generated.keyPem().toString(), "-out", out.toString()), null);
      return read(out);
    }).clone();
  }

  /** The RSA private key as PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}), via {@code openssl rsa -traditional}. */
  public static byte[] pkcs1Key(Generated generated) {
    return cached(List.of("pkcs1", generated.opensslThumbprint()), () -> {
      Path out = scratch().resolve("pkcs1.key");
      run(List.of("openssl", "rsa", "-traditional", "-in", generated.keyPem().toString(), "-out", out.toString()), null);
      return read(out);
    }).clone();
  }

  /**
   * The private key as encrypted PKCS#8 PEM ({@code BEGIN ENCRYPTED PRIVATE KEY}, AES-256-CBC), via {@code openssl
   * pkey -aes256}.
   */
  public static byte[] encryptedPkcs8Key(Generated generated, String password) {
    Objects.requireNonNull(password, "password");
    return cached(List.of("pkcs8-encrypted", generated.opensslThumbprint(), password), () -> {
      Path out = scratch().resolve("encrypted.key");
      run(List.of("openssl", "pkey", "-aes256", "-in", generated.keyPem().toString(),
          "-passout", "env:" + PASSWORD_VARIABLE, "-out", out.toString()), password);
      return read(out);
    }).clone();
  }

  /** The SHA-1 fingerprint openssl reports for a PEM certificate, as 40 upper-case hex digits without colons. */
  public static String opensslThumbprint(Path certPem) {
    String output = run(List.of("openssl", "x509", "-in", certPem.toString(), "-noout", "-fingerprint", "-sha1"), null);
    // "sha1 Fingerprint=1A:89:04:..." (older versions: "SHA1 Fingerprint=")
    int equals = output.indexOf('=');
    String hex = output.substring(equals + 1).trim().replace(":", "").toUpperCase(Locale.ROOT);
    if (equals < 0 || !hex.matches("[0-9A-F]{40}")) {
      throw new IllegalStateException("unexpected openssl fingerprint output: " + output.trim());
    }
    return hex;
  }

  // ---------------------------------------------------------------------------------------------- internals

  private enum Kind { RSA, EC, CA_SIGNED, DATED }

  private record Spec(Kind kind, String cn, int days, Instant notBefore, Instant notAfter) {
    String fileStem() {
      String base = cn.replaceAll("[^A-Za-z0-9._-]", "_");
      return switch (kind) {
        case RSA -> base + "-rsa" + days;
        case EC -> base + "-ec";
        case CA_SIGNED -> base + "-casigned";
        case DATED -> base + "-" + notBefore.getEpochSecond() + "-" + notAfter.getEpochSecond();
      };
    }
  }

  /** The cached master files for {@code spec}, copied into {@code dir}. */
  private static Generated into(Path dir, Spec spec) {
    Objects.requireNonNull(dir, "dir");
    Generated master = cached(spec, () -> make(spec));
    String stem = spec.fileStem();
    Path cert = copy(master.certPem(), dir.resolve(stem + ".crt"));
    Path key = copy(master.keyPem(), dir.resolve(stem + ".key"));
    Path ca = master.hasCa() ? copy(master.caCertPem(), dir.resolve(stem + "-ca.crt")) : null;
    return new Generated(spec.cn(), cert, key, ca, master.opensslThumbprint());
  }

  private static Generated make(Spec spec) {
    Path d = scratch();
    Path key = d.resolve("leaf.key");
    Path cert = d.resolve("leaf.crt");
    String subject = "/CN=" + spec.cn();
    Path ca = null;
    switch (spec.kind()) {
      case RSA -> run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
          "-out", cert.toString(), "-days", Integer.toString(spec.days()), "-subj", subject), null);
      case EC -> {
        run(List.of("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key.toString()), null);
        run(List.of("openssl", "req", "-x509", "-new", "-key", key.toString(), "-out", cert.toString(),
            "-days", Integer.toString(spec.days()), "-subj", subject), null);
      }
      case CA_SIGNED -> {
        ca = d.resolve("ca.crt");
        Path caKey = d.resolve("ca.key");
        Path csr = d.resolve("leaf.csr");
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey.toString(),
            "-out", ca.toString(), "-days", "3650", "-subj", subject + " Test CA"), null);
        run(List.of("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
            "-out", csr.toString(), "-subj", subject), null);
        run(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
            "-CAserial", d.resolve("ca.srl").toString(), "-CAcreateserial", "-days", Integer.toString(spec.days()),
            "-out", cert.toString()), null);
      }
      case DATED -> {
        Path csr = d.resolve("leaf.csr");
        run(List.of("openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(),
            "-out", csr.toString(), "-subj", subject), null);
        write(d.resolve("index.txt"), "");
        Path config = d.resolve("ca.cnf");
        write(config, String.join("\n",
            "[ ca ]",
            "default_ca = throwaway",
            "[ throwaway ]",
            "database = " + d.resolve("index.txt"),
            "new_certs_dir = " + d,
            "serial = " + d.resolve("serial"),
            "default_md = sha256",
            "policy = any",
            "unique_subject = no",
            "copy_extensions = none",
            "[ any ]",
            "commonName = supplied",
            ""));
        run(List.of("openssl", "ca", "-batch", "-config", config.toString(), "-selfsign", "-keyfile", key.toString(),
            "-in", csr.toString(), "-out", cert.toString(), "-notext", "-rand_serial",
            "-startdate", OPENSSL_DATE.format(spec.notBefore()), "-enddate", OPENSSL_DATE.format(spec.notAfter())),
            null);
      }
    }
    return new Generated(spec.cn(), cert, key, ca, opensslThumbprint(cert));
  }

  private static byte[] makePfx(Generated g, Encoding encoding, String password, List<String> extra) {
    Path d = scratch();
    Path out = d.resolve("out.p12");
    List<String> cmd = new ArrayList<>(List.of("openssl", "pkcs12", "-export",
        "-in", g.certPem().toString(), "-inkey", g.keyPem().toString(), "-name", g.cn(),
        "-passout", "env:" + PASSWORD_VARIABLE));
    if (g.hasCa()) {
      cmd.addAll(List.of("-certfile", g.caCertPem().toString()));
    }
    switch (encoding) {
      case AES_DEFAULT, KEYTOOL -> { }
      case LEGACY_RC2 -> cmd.add("-legacy");
      case LEGACY_3DES -> cmd.addAll(List.of("-certpbe", "PBE-SHA1-3DES", "-keypbe", "PBE-SHA1-3DES", "-macalg", "sha1"));
      case MODERN_2023 -> cmd.addAll(List.of("-keypbe", "AES-256-CBC", "-certpbe", "AES-256-CBC", "-macalg", "sha256"));
    }
    cmd.addAll(extra);
    Path openssl = encoding == Encoding.KEYTOOL ? d.resolve("openssl.p12") : out;
    cmd.addAll(List.of("-out", openssl.toString()));
    run(cmd, password);
    if (encoding == Encoding.KEYTOOL) {
      run(List.of("keytool", "-importkeystore", "-noprompt",
          "-srckeystore", openssl.toString(), "-srcstoretype", "PKCS12", "-srcstorepass:env", PASSWORD_VARIABLE,
          "-destkeystore", out.toString(), "-deststoretype", "PKCS12", "-deststorepass:env", PASSWORD_VARIABLE),
          password);
    }
    return read(out);
  }

  private static Path chainFile(Generated g, boolean caFirst) {
    if (!g.hasCa()) {
      return g.certPem();
    }
    return cached(List.of("chain", g.opensslThumbprint(), caFirst), () -> {
      Path out = scratch().resolve("chain.crt");
      byte[] leaf = read(g.certPem());
      byte[] ca = read(g.caCertPem());
      byte[] first = caFirst ? ca : leaf;
      byte[] second = caFirst ? leaf : ca;
      byte[] both = new byte[first.length + second.length];
      System.arraycopy(first, 0, both, 0, first.length);
      System.arraycopy(second, 0, both, first.length, second.length);
      try {
        Files.write(out, both);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out;
    });
  }

  /**
   * Runs a tool and returns its stdout. {@code password}, when not null, is handed over in the environment variable
   * {@value #PASSWORD_VARIABLE}. Fails with the command and stderr (which never hold the password) when the tool fails.
   */
  private static String run(List<String> command, String password) {
    Path d = scratch();
    Path stdout = d.resolve("stdout");
    Path stderr = d.resolve("stderr");
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(d.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
        .redirectOutput(stdout.toFile())
        .redirectError(stderr.toFile());
    Map<String, String> env = builder.environment();
    env.remove(PASSWORD_VARIABLE);
    if (password != null) {
      env.put(PASSWORD_VARIABLE, password);
    }
    try {
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start '" + command.get(0) + "' (is it installed and on PATH?): "
            + String.join(" ", command), e);
      }
      if (!process.waitFor(TOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("timed out after " + TOOL_TIMEOUT_SECONDS + "s: " + String.join(" ", command));
      }
      String err = Files.readString(stderr, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException("'" + String.join(" ", command) + "' failed with exit code "
            + process.exitValue() + "; stderr:\n" + err.trim());
      }
      return Files.readString(stdout, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  private static java.io.File nullFile() {
    return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
  }

  /** Memoizes {@code supplier} per key; concurrent callers of one key wait for a single computation. */
  @SuppressWarnings("unchecked")
  private static <T> T cached(Object key, Supplier<T> supplier) {
    CompletableFuture<Object> mine = new CompletableFuture<>();
    CompletableFuture<Object> existing = CACHE.putIfAbsent(key, mine);
    if (existing == null) {
      try {
        T value = supplier.get();
        mine.complete(value);
        return value;
      } catch (RuntimeException | Error e) {
        CACHE.remove(key, mine); // let a later call retry
        mine.completeExceptionally(e);
        throw e;
      }
    }
    try {
      return (T) existing.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static String checkedCn(String cn) {
    if (cn == null || !SAFE_CN.matcher(cn).matches()) {
      throw new IllegalArgumentException("cn must be 1-64 characters of letters, digits, space, '.', '_' or '-'");
    }
    return cn;
  }

  private static Path scratch() {
    try {
      return Files.createTempDirectory(WORK, "t");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path copy(Path from, Path to) {
    try {
      Files.createDirectories(to.getParent());
      Path tmp = Files.createTempFile(to.getParent(), ".copy", ".tmp");
      Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
      try {
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING);
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path createWorkDirectory() {
    try {
      Path dir = Files.createTempDirectory("test-certificates-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dir), "test-certificates-cleanup"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // best effort at JVM exit
    }
  }
}
