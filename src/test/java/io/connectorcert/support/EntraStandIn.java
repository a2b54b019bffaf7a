package io.connectorcert.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.core.http.HttpClient;
import com.azure.core.http.okhttp.OkHttpAsyncHttpClientBuilder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import okhttp3.OkHttpClient;

/**
 * A local HTTPS stand-in for the Microsoft Entra token service (login.microsoftonline.com), faithful enough that
 * real azure-identity / MSAL credentials run their real flows against it.
 *
 * <ul>
 *   <li>HTTPS on 127.0.0.1 with a server certificate for {@code DNS:localhost, IP:127.0.0.1} issued by a throwaway CA
 *       made at start. Only {@link #httpClient()} trusts that CA: nothing JVM-wide is changed (BouncyCastle is used
 *       through a provider instance, never registered).
 *   <li>Serves what MSAL calls: {@code GET /{tenant}/v2.0/.well-known/openid-configuration}, instance discovery
 *       ({@code GET /common/discovery/instance}), and {@code POST /{tenant}/oauth2/v2.0/token} (client credentials
 *       with a client secret, a certificate-signed client assertion, or a federated assertion). Every request is
 *       recorded in {@link #requestLog()}.
 *   <li>Answers like Entra: a JWT access token (RS256, signed with the stand-in's key) carrying {@code tid},
 *       {@code appid}/{@code azp}, {@code roles} and {@code aud}; errors as Entra's JSON with AADSTS codes.
 * </ul>
 *
 * <p><b>Port.</b> MSAL's in-memory token cache misses whenever the authority host carries a port, so a test that
 * counts token requests needs {@link #start(int) start(443)}; if 443 cannot be bound the stand-in falls back to an
 * ephemeral port and {@link #onStandardPort()} says so.
 */
public final class EntraStandIn implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EntraStandIn.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Provider BC = new BouncyCastleProvider();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Set<String> RESERVED_SCOPES = Set.of("openid", "profile", "offline_access");
  public static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  private sealed interface Client permits SecretClient, CertificateClient, FederatedClient {
    List<String> roles();
  }

  private record SecretClient(String secret, List<String> roles) implements Client {}

  private record CertificateClient(X509Certificate certificate, List<String> roles) implements Client {}

  private record FederatedClient(List<FederatedCredential> trusted, List<String> roles) implements Client {}

  /**
   * A federated identity credential on an app registration, as {@code az ad app federated-credential create} adds
   * it: an assertion is accepted when its {@code iss} and {@code sub} equal these and its {@code aud} holds
   * {@code audience}.
   */
  public record FederatedCredential(String issuer, String subject, String audience) {

    /** Kubernetes workload identity: {@code system:serviceaccount:<namespace>:<name>}, api://AzureADTokenExchange. */
    public static FederatedCredential serviceAccount(String issuer, String namespace, String name) {
      return new FederatedCredential(issuer, "system:serviceaccount:" + namespace + ":" + name,
          "api://AzureADTokenExchange");
    }
  }

  /** One token answer problem: HTTP status, OAuth error, AADSTS code and description. */
  private record Failure(int status, String error, int code, String description) {}

  private final Map<String, Map<String, Client>> tenants = new ConcurrentHashMap<>();
  /** OIDC issuers and the key each signs with (what Entra would fetch from the issuer's discovery document). */
  private final Map<String, PublicKey> issuers = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> tokenRequestsByClient = new ConcurrentHashMap<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final List<String> scopesRequested = new CopyOnWriteArrayList<>();
  private final List<String> requestLog = new CopyOnWriteArrayList<>();

  private final KeyPair tokenSigningKey;
  private final String tokenSigningKeyId;
  private final X509Certificate caCertificate;
  private final SSLContext serverSsl;
  private final HttpsServer server;
  private final ExecutorService executor;
  private final int port;
  private final HttpClient httpClient;

  private EntraStandIn(int requestedPort, boolean fallBackToEphemeral) throws GeneralSecurityException, IOException {
    this.tokenSigningKey = rsaKeyPair();
    this.tokenSigningKeyId = UUID.randomUUID().toString();
    KeyPair caKey = rsaKeyPair();
    this.caCertificate = caCertificate(caKey);
    KeyPair serverKey = rsaKeyPair();
    X509Certificate serverCertificate = serverCertificate(serverKey, caKey, caCertificate);

    char[] storePassword = "stand-in".toCharArray();
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    keyStore.load(null, null);
    keyStore.setKeyEntry("server", serverKey.getPrivate(), storePassword,
        new Certificate[] {serverCertificate, caCertificate});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keyStore, storePassword);
    this.serverSsl = SSLContext.getInstance("TLS");
    serverSsl.init(kmf.getKeyManagers(), null, RANDOM);

    HttpsServer bound;
    try {
      bound = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 50);
    } catch (BindException e) {
      if (!fallBackToEphemeral) {
        throw e;
      }
      LOG.warn("Entra stand-in cannot bind port {} ({}); using an ephemeral port: MSAL's token cache will miss",
          requestedPort, e.getMessage());
      bound = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    }
    this.server = bound;
    server.setHttpsConfigurator(new HttpsConfigurator(serverSsl));
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "entra-stand-in");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    this.port = server.getAddress().getPort();
    this.httpClient = new OkHttpAsyncHttpClientBuilder(trustingOnlyOurCa()).build();
    LOG.info("Entra stand-in listening on {}", authorityHost());
  }

  /** Starts on an ephemeral port (MSAL's token cache will then miss on every call: do not count tokens). */
  public static EntraStandIn start() {
    return create(0, false);
  }

  /**
   * Starts on {@code port}. For 443, if it cannot be bound (not root), falls back to an ephemeral port and
   * {@link #onStandardPort()} is false; any other port must be free.
   */
  public static EntraStandIn start(int port) {
    return create(port, port == 443);
  }

  private static EntraStandIn create(int port, boolean fallBack) {
    try {
      return new EntraStandIn(port, fallBack);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Entra stand-in", e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot start the Entra stand-in", e);
    }
  }

  public int port() {
    return port;
  }

  /** True when listening on 443, so the authority host carries no port and MSAL's cache works as with real Entra. */
  public boolean onStandardPort() {
    return port == 443;
  }

  /** {@code https://localhost} on 443, else {@code https://localhost:PORT}. */
  public URI authorityHost() {
    return URI.create(port == 443 ? "https://localhost" : "https://localhost:" + port);
  }

  /** An azure-core HttpClient (OkHttp) that trusts only this stand-in's throwaway CA. */
  public HttpClient httpClient() {
    return httpClient;
  }

  public X509Certificate caCertificate() {
    return caCertificate;
  }

  // ---------------------------------------------------------------- registry

  /** Makes a tenant known without any client (requests for unknown clients then get AADSTS700016). */
  public EntraStandIn registerTenant(String tenant) {
    tenants.computeIfAbsent(key(tenant), t -> new ConcurrentHashMap<>());
    return this;
  }

  public EntraStandIn registerSecretClient(String tenant, String clientId, String secret, String... roles) {
    put(tenant, clientId, new SecretClient(Objects.requireNonNull(secret), List.of(roles)));
    return this;
  }

  public EntraStandIn registerCertificateClient(
      String tenant, String clientId, X509Certificate certificate, String... roles) {
    put(tenant, clientId, new CertificateClient(Objects.requireNonNull(certificate), List.of(roles)));
    return this;
  }

  /**
   * Workload identity: the client assertion must be a JWT signed by a {@link #trustIssuer trusted issuer}, unexpired,
   * whose issuer, subject and audience match one of {@code trusted} (else AADSTS70021, as Entra answers).
   */
  public EntraStandIn registerFederatedClient(
      String tenant, String clientId, List<FederatedCredential> trusted, String... roles) {
    put(tenant, clientId, new FederatedClient(List.copyOf(trusted), List.of(roles)));
    return this;
  }

  public EntraStandIn registerFederatedClient(
      String tenant, String clientId, FederatedCredential trusted, String... roles) {
    return registerFederatedClient(tenant, clientId, List.of(trusted), roles);
  }

  /**
   * An OIDC issuer (a cluster's service account issuer) and the public key its tokens verify with. Real Entra reads
   * the key from the issuer's discovery document; assertions from any other issuer fail with AADSTS50166.
   */
  public EntraStandIn trustIssuer(String issuer, PublicKey signingKey) {
    issuers.put(Objects.requireNonNull(issuer), Objects.requireNonNull(signingKey));
    return this;
  }

  /** The old secret stops working at once. */
  public void rotateSecret(String tenant, String clientId, String newSecret) {
    Map<String, Client> clients = tenants.get(key(tenant));
    Client client = clients == null ? null : clients.get(key(clientId));
    if (!(client instanceof SecretClient secretClient)) {
      throw new IllegalArgumentException("no secret client " + clientId + " in tenant " + tenant);
    }
    clients.put(key(clientId), new SecretClient(Objects.requireNonNull(newSecret), secretClient.roles()));
  }

  private void put(String tenant, String clientId, Client client) {
    tenants.computeIfAbsent(key(tenant), t -> new ConcurrentHashMap<>()).put(key(clientId), client);
  }

  private static String key(String id) {
    return id.toLowerCase(java.util.Locale.ROOT);
  }

  // ---------------------------------------------------------------- observation

  /** All POSTs to a token endpoint, successful or not. */
  public int tokenRequests() {
    return tokenRequests.get();
  }

  public int tokenRequests(String tenant, String clientId) {
    AtomicInteger n = tokenRequestsByClient.get(key(tenant) + "/" + key(clientId));
    return n == null ? 0 : n.get();
  }

  /** The scopes of every token request, in order (reserved OIDC scopes left out). */
  public List<String> scopesRequested() {
    return List.copyOf(scopesRequested);
  }

  /** Every request as {@code "METHOD /path?query"}, in order. */
  public List<String> requestLog() {
    return List.copyOf(requestLog);
  }

  public static String tenantOf(String accessToken) {
    return (String) claims(accessToken).get("tid");
  }

  @SuppressWarnings("unchecked")
  public static List<String> rolesOf(String accessToken) {
    Object roles = claims(accessToken).get("roles");
    return roles == null ? List.of() : List.copyOf((List<String>) roles);
  }

  public static String audienceOf(String accessToken) {
    return (String) claims(accessToken).get("aud");
  }

  public static String appIdOf(String accessToken) {
    return (String) claims(accessToken).get("appid");
  }

  /** The payload of a JWT (not verified). */
  public static Map<String, Object> claims(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length != 3) {
      throw new IllegalArgumentException("not a JWT");
    }
    return readJson(Base64.getUrlDecoder().decode(parts[1]));
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---------------------------------------------------------------- HTTP

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      URI uri = exchange.getRequestURI();
      String method = exchange.getRequestMethod();
      requestLog.add(method + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
      LOG.debug("Entra stand-in: {} {}", method, uri.getRawPath());
      List<String> segments = Arrays.stream(uri.getPath().split("/")).filter(s -> !s.isEmpty()).toList();
      byte[] body = exchange.getRequestBody().readAllBytes();

      if ("GET".equals(method) && segments.size() == 3 && segments.get(0).equalsIgnoreCase("common")
          && segments.get(1).equals("discovery") && segments.get(2).equals("instance")) {
        instanceDiscovery(exchange, uri);
      } else if ("GET".equals(method) && isOpenIdConfiguration(segments)) {
        openIdConfiguration(exchange, segments.get(0));
      } else if ("POST".equals(method) && segments.size() >= 3 && segments.get(1).equals("oauth2")
          && segments.get(segments.size() - 1).equals("token")) {
        token(exchange, segments.get(0), uri.getPath(), new String(body, StandardCharsets.UTF_8));
      } else {
        send(exchange, 404, Map.of("error", "not_found", "error_description",
            "The Entra stand-in does not serve " + method + " " + uri.getPath()));
      }
    } catch (RuntimeException e) {
      LOG.error("Entra stand-in failed to answer", e);
      throw e;
    }
  }

  private static boolean isOpenIdConfiguration(List<String> segments) {
    int n = segments.size();
    return n >= 3 && segments.get(n - 2).equals(".well-known") && segments.get(n - 1).equals("openid-configuration");
  }

  private void instanceDiscovery(HttpExchange exchange, URI uri) throws IOException {
    String host = authorityHost().getAuthority();
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("tenant_discovery_endpoint", authorityHost() + "/{tenant}/v2.0/.well-known/openid-configuration");
    answer.put("api-version", "1.1");
    answer.put("metadata", List.of(Map.of(
        "preferred_network", host, "preferred_cache", host, "aliases", List.of(host))));
    send(exchange, 200, answer);
  }

  private void openIdConfiguration(HttpExchange exchange, String tenant) throws IOException {
    if (!isTenantPath(tenant) && !tenants.containsKey(key(tenant))) {
      sendFailure(exchange, tenantNotFound(tenant));
      return;
    }
    String base = authorityHost() + "/" + tenant;
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("token_endpoint", base + "/oauth2/v2.0/token");
    answer.put("token_endpoint_auth_methods_supported",
        List.of("client_secret_post", "private_key_jwt", "client_secret_basic"));
    answer.put("jwks_uri", authorityHost() + "/" + tenant + "/discovery/v2.0/keys");
    answer.put("response_modes_supported", List.of("query", "fragment", "form_post"));
    answer.put("subject_types_supported", List.of("pairwise"));
    answer.put("id_token_signing_alg_values_supported", List.of("RS256"));
    answer.put("response_types_supported", List.of("code", "id_token", "code id_token", "id_token token"));
    answer.put("scopes_supported", List.of("openid", "profile", "email", "offline_access"));
    answer.put("issuer", authorityHost() + "/" + tenant + "/v2.0");
    answer.put("request_uri_parameter_supported", false);
    answer.put("userinfo_endpoint", authorityHost() + "/oidc/userinfo");
    answer.put("authorization_endpoint", base + "/oauth2/v2.0/authorize");
    answer.put("device_authorization_endpoint", base + "/oauth2/v2.0/devicecode");
    answer.put("http_logout_supported", true);
    answer.put("frontchannel_logout_supported", true);
    answer.put("end_session_endpoint", base + "/oauth2/v2.0/logout");
    answer.put("claims_supported", List.of("sub", "iss", "aud", "exp", "iat", "tid", "ver"));
    answer.put("kerberos_endpoint", base + "/kerberos");
    answer.put("tenant_region_scope", "NA");
    answer.put("cloud_instance_name", "microsoftonline.com");
    answer.put("cloud_graph_host_name", "graph.windows.net");
    answer.put("msgraph_host", "graph.microsoft.com");
    send(exchange, 200, answer);
  }

  /** organizations / common / consumers are not tenants a confidential client can get an app token for. */
  private static boolean isTenantPath(String tenant) {
    return Set.of("common", "organizations", "consumers").contains(tenant.toLowerCase(java.util.Locale.ROOT));
  }

  private void token(HttpExchange exchange, String tenant, String path, String body) throws IOException {
    tokenRequests.incrementAndGet();
    Map<String, String> form = parseForm(body);
    String clientId = form.getOrDefault("client_id", "");
    tokenRequestsByClient.computeIfAbsent(key(tenant) + "/" + key(clientId), k -> new AtomicInteger())
        .incrementAndGet();
    List<String> scopes = Arrays.stream(form.getOrDefault("scope", "").split(" "))
        .filter(s -> !s.isBlank() && !RESERVED_SCOPES.contains(s)).toList();
    scopesRequested.addAll(scopes);
    LOG.debug("Entra stand-in token request: tenant={} client_id={} fields={}", tenant, clientId, form.keySet());

    Failure failure = checkRequest(tenant, clientId, form, scopes, authorityHost() + path);
    if (failure != null) {
      sendFailure(exchange, failure);
      return;
    }
    Client client = tenants.get(key(tenant)).get(key(clientId));
    String resource = scopes.get(0).substring(0, scopes.get(0).length() - "/.default".length());
    Instant now = Instant.now();
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("aud", resource);
    claims.put("iss", "https://sts.windows.net/" + tenant + "/");
    claims.put("iat", now.getEpochSecond());
    claims.put("nbf", now.getEpochSecond());
    claims.put("exp", now.plusSeconds(3599).getEpochSecond());
    claims.put("appid", clientId);
    claims.put("azp", clientId);
    claims.put("appidacr", client instanceof SecretClient ? "1" : "2");
    claims.put("idtyp", "app");
    claims.put("oid", UUID.nameUUIDFromBytes((tenant + "/" + clientId).getBytes(StandardCharsets.UTF_8)).toString());
    claims.put("sub", claims.get("oid"));
    claims.put("roles", client.roles());
    claims.put("tid", tenant);
    claims.put("ver", "1.0");
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("token_type", "Bearer");
    answer.put("expires_in", 3599);
    answer.put("ext_expires_in", 3599);
    answer.put("access_token", signJwt(claims));
    send(exchange, 200, answer);
  }

  private Failure checkRequest(
      String tenant, String clientId, Map<String, String> form, List<String> scopes, String tokenEndpoint) {
    Map<String, Client> clients = tenants.get(key(tenant));
    if (clients == null) {
      return tenantNotFound(tenant);
    }
    if (!"client_credentials".equals(form.get("grant_type"))) {
      return new Failure(400, "unsupported_grant_type", 70003,
          "The app requested an unsupported grant type '" + form.get("grant_type") + "'.");
    }
    if (scopes.size() != 1 || !scopes.get(0).endsWith("/.default")) {
      return new Failure(400, "invalid_scope", 1002012,
          "The provided value for scope " + String.join(" ", scopes) + " is not valid. Client credential flows"
              + " must have a scope value with /.default suffixed to the resource identifier"
              + " (application ID URI).");
    }
    Client client = clients.get(key(clientId));
    if (client == null) {
      return new Failure(400, "unauthorized_client", 700016, "Application with identifier '" + clientId
          + "' was not found in the directory '" + tenant + "'. This can happen if the application has not been"
          + " installed by the administrator of the tenant or consented to by any user in the tenant. You may have"
          + " sent your authentication request to the wrong tenant.");
    }
    String secret = form.get("client_secret");
    String assertion = form.get("client_assertion");
    if (client instanceof SecretClient secretClient) {
      if (secret == null) {
        return new Failure(401, "invalid_client", 7000218, "The request body must contain the following parameter:"
            + " 'client_assertion' or 'client_secret'.");
      }
      if (!MessageDigest.isEqual(secretClient.secret().getBytes(StandardCharsets.UTF_8),
          secret.getBytes(StandardCharsets.UTF_8))) {
        return new Failure(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being"
            + " sent in the request is the client secret value, not the client secret ID, for a secret added to app '"
            + clientId + "'.");
      }
      return null;
    }
    if (assertion == null || !JWT_BEARER.equals(form.get("client_assertion_type"))) {
      return new Failure(401, "invalid_client", 7000218, "The request body must contain the following parameter:"
          + " 'client_assertion' or 'client_secret'.");
    }
    if (client instanceof FederatedClient federated) {
      return federatedAssertionProblem(federated, assertion);
    }
    String problem = certificateAssertionProblem(((CertificateClient) client).certificate(), assertion, clientId,
        tokenEndpoint);
    if (problem != null) {
      LOG.debug("Entra stand-in rejected a client assertion: {}", problem);
      return new Failure(401, "invalid_client", 700027, "Client assertion failed signature validation. " + problem);
    }
    return null;
  }

  private static Failure tenantNotFound(String tenant) {
    return new Failure(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found. Check to make sure you have"
        + " the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator,"
        + " this may happen if there are no active subscriptions for the tenant.");
  }

  /**
   * Verifies a federated assertion (a Kubernetes service account token) the way Entra does: a JWT, signed by the key
   * of its issuer, within its validity, and matching one of the app's federated credentials on issuer, subject and
   * audience.
   */
  private Failure federatedAssertionProblem(FederatedClient client, String assertion) {
    String[] parts = assertion.split("\\.");
    Map<String, Object> header;
    Map<String, Object> claims;
    try {
      if (parts.length != 3) {
        throw new IllegalArgumentException("not three parts");
      }
      header = readJson(Base64.getUrlDecoder().decode(parts[0]));
      claims = readJson(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IllegalArgumentException e) {
      return new Failure(400, "invalid_request", 50027, "JWT token is invalid or malformed.");
    }
    Object issuer = claims.get("iss");
    PublicKey key = issuer instanceof String name ? issuers.get(name) : null;
    if (key == null) {
      return new Failure(400, "invalid_request", 50166, "Request to External OIDC endpoint failed. Issuer: '"
          + issuer + "'.");
    }
    try {
      byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
      if (!verify(String.valueOf(header.get("alg")), key, signed, Base64.getUrlDecoder().decode(parts[2]))) {
        return new Failure(401, "invalid_client", 700027, "Client assertion failed signature validation.");
      }
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return new Failure(401, "invalid_client", 700027, "Client assertion failed signature validation.");
    }
    long now = Instant.now().getEpochSecond();
    Object exp = claims.get("exp");
    Object nbf = claims.get("nbf");
    if (!(exp instanceof Number expiry) || expiry.longValue() <= now
        || (nbf instanceof Number notBefore && notBefore.longValue() > now + 300)) {
      return new Failure(400, "invalid_client", 700024, "Client assertion is not within its valid time range."
          + " Current time: " + Instant.ofEpochSecond(now) + ", expiry time of assertion: "
          + (exp instanceof Number e ? Instant.ofEpochSecond(e.longValue()) : "none") + ".");
    }
    Object subject = claims.get("sub");
    List<String> audiences = claims.get("aud") instanceof List<?> list
        ? list.stream().map(String::valueOf).toList()
        : claims.get("aud") instanceof String single ? List.of(single) : List.of();
    boolean trusted = client.trusted().stream().anyMatch(credential -> credential.issuer().equals(issuer)
        && credential.subject().equals(subject) && audiences.contains(credential.audience()));
    if (!trusted) {
      return new Failure(400, "invalid_request", 70021, "No matching federated identity record found for presented"
          + " assertion. Assertion Issuer: '" + issuer + "'. Assertion Subject: '" + subject + "'. Assertion"
          + " Audience: '" + String.join(",", audiences) + "'. https://learn.microsoft.com/entra/workload-id/"
          + "workload-identity-federation");
    }
    return null;
  }

  /** Verifies a certificate-signed client assertion the way Entra does; returns what is wrong, or null. */
  private static String certificateAssertionProblem(
      X509Certificate certificate, String assertion, String clientId, String tokenEndpoint) {
    String[] parts = assertion.split("\\.");
    if (parts.length != 3) {
      return "The assertion is not a signed JWT.";
    }
    try {
      Map<String, Object> header = readJson(Base64.getUrlDecoder().decode(parts[0]));
      Map<String, Object> claims = readJson(Base64.getUrlDecoder().decode(parts[1]));
      byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
      byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
      String alg = String.valueOf(header.get("alg"));
      LOG.debug("Entra stand-in: client assertion header {}, claims {}", header, claims.keySet());
      if (!verify(alg, certificate.getPublicKey(), signed, signature)) {
        return "(Key was found, but use of the key to verify the signature failed.)";
      }
      String x5t = (String) header.get("x5t");
      String x5tS256 = (String) header.get("x5t#S256");
      if (x5t == null && x5tS256 == null) {
        return "The assertion header names no certificate (x5t / x5t#S256).";
      }
      byte[] der = certificate.getEncoded();
      // MSAL writes these thumbprints in standard base64 with padding; RFC 7515 says base64url: accept both
      if (x5t != null && !Arrays.equals(lenientBase64(x5t), MessageDigest.getInstance("SHA-1").digest(der))) {
        return "(Key with identifier '" + x5t + "' was not found.)";
      }
      if (x5tS256 != null
          && !Arrays.equals(lenientBase64(x5tS256), MessageDigest.getInstance("SHA-256").digest(der))) {
        return "(Key with identifier '" + x5tS256 + "' was not found.)";
      }
      if (!clientId.equals(claims.get("iss")) || !clientId.equals(claims.get("sub"))) {
        return "The assertion's iss and sub must be the client id.";
      }
      Object aud = claims.get("aud");
      if (!(aud instanceof String audience) || !sameEndpoint(audience, tokenEndpoint)) {
        return "The assertion's audience '" + aud + "' is not this token endpoint.";
      }
      long now = Instant.now().getEpochSecond();
      if (!(claims.get("exp") instanceof Number exp) || exp.longValue() < now - 300) {
        return "The assertion has expired.";
      }
      if (claims.get("nbf") instanceof Number nbf && nbf.longValue() > now + 300) {
        return "The assertion is not valid yet.";
      }
      return null;
    } catch (IllegalArgumentException | GeneralSecurityException | ClassCastException e) {
      return "The assertion could not be read (" + e.getClass().getSimpleName() + ").";
    }
  }

  /** MSAL uses the token endpoint (v2.0) as audience; Entra also accepts the v1 token endpoint. */
  private static boolean sameEndpoint(String audience, String tokenEndpoint) {
    String a = audience.replaceAll("/+$", "").toLowerCase(java.util.Locale.ROOT);
    String t = tokenEndpoint.replaceAll("/+$", "").toLowerCase(java.util.Locale.ROOT);
    return a.equals(t) || a.equals(t.replace("/oauth2/v2.0/token", "/oauth2/token"));
  }

  private static boolean verify(String alg, PublicKey key, byte[] signed, byte[] signature)
      throws GeneralSecurityException {
    Signature verifier;
    switch (alg) {
      case "RS256" -> verifier = Signature.getInstance("SHA256withRSA");
      case "PS256" -> {
        verifier = Signature.getInstance("RSASSA-PSS");
        verifier.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
      }
      default -> {
        return false;
      }
    }
    verifier.initVerify(key);
    verifier.update(signed);
    return verifier.verify(signature);
  }

  private void sendFailure(HttpExchange exchange, Failure failure) throws IOException {
    String traceId = UUID.randomUUID().toString();
    String correlationId = UUID.randomUUID().toString();
    String timestamp = Instant.now().toString().replace("T", " ").replaceAll("\\.\\d+Z$", "Z");
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("error", failure.error());
    answer.put("error_description", "AADSTS" + failure.code() + ": " + failure.description() + " Trace ID: "
        + traceId + " Correlation ID: " + correlationId + " Timestamp: " + timestamp);
    answer.put("error_codes", List.of(failure.code()));
    answer.put("timestamp", timestamp);
    answer.put("trace_id", traceId);
    answer.put("correlation_id", correlationId);
    answer.put("error_uri", authorityHost() + "/error?code=" + failure.code());
    send(exchange, failure.status(), answer);
  }

  private static void send(HttpExchange exchange, int status, Map<String, Object> json) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(json);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store, no-cache");
    exchange.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(name, value);
    }
    return form;
  }

  // ---------------------------------------------------------------- JWT and keys

  private String signJwt(Map<String, Object> claims) {
    try {
      Map<String, Object> header = new LinkedHashMap<>();
      header.put("typ", "JWT");
      header.put("alg", "RS256");
      header.put("kid", tokenSigningKeyId);
      String signingInput = base64Url(JSON.writeValueAsBytes(header)) + "." + base64Url(JSON.writeValueAsBytes(claims));
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(tokenSigningKey.getPrivate());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + base64Url(signer.sign());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token", e);
    }
  }

  /** The public key the stand-in signs access tokens with. */
  public PublicKey tokenSigningKey() {
    return tokenSigningKey.getPublic();
  }

  private static Map<String, Object> readJson(byte[] json) {
    try {
      return JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }

  private static byte[] lenientBase64(String value) {
    return Base64.getUrlDecoder().decode(value.replace('+', '-').replace('/', '_').replaceAll("=+$", ""));
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static KeyPair rsaKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048, RANDOM);
    return generator.generateKeyPair();
  }

  private static X509Certificate caCertificate(KeyPair caKey) throws GeneralSecurityException {
    try {
      Instant now = Instant.now();
      X500Principal subject = new X500Principal("CN=Entra stand-in throwaway CA " + UUID.randomUUID());
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(2))), subject,
          caKey.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      builder.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(caKey.getPublic()));
      return sign(builder, caKey.getPrivate());
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException("cannot make the stand-in CA", e);
    }
  }

  private static X509Certificate serverCertificate(KeyPair serverKey, KeyPair caKey, X509Certificate ca)
      throws GeneralSecurityException {
    try {
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca, new BigInteger(64, RANDOM),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))),
          new X500Principal("CN=localhost"), serverKey.getPublic());
      JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
      builder.addExtension(Extension.extendedKeyUsage, false,
          new org.bouncycastle.asn1.x509.ExtendedKeyUsage(org.bouncycastle.asn1.x509.KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      builder.addExtension(Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(ca));
      builder.addExtension(Extension.subjectKeyIdentifier, false,
          utils.createSubjectKeyIdentifier(serverKey.getPublic()));
      return sign(builder, caKey.getPrivate());
    } catch (IOException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException("cannot make the stand-in server certificate", e);
    }
  }

  private static X509Certificate sign(JcaX509v3CertificateBuilder builder, PrivateKey key)
      throws org.bouncycastle.operator.OperatorCreationException, GeneralSecurityException {
    var signer = new JcaContentSignerBuilder("SHA256withRSA").setProvider(BC).build(key);
    return new JcaX509CertificateConverter().setProvider(BC).getCertificate(builder.build(signer));
  }

  private OkHttpClient trustingOnlyOurCa() throws GeneralSecurityException, IOException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("entra-stand-in-ca", caCertificate);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    X509TrustManager trustManager = (X509TrustManager) tmf.getTrustManagers()[0];
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {trustManager}, RANDOM);
    return new OkHttpClient.Builder().sslSocketFactory(context.getSocketFactory(), trustManager).build();
  }

  // ---------------------------------------------------------------- client material for tests

  /**
   * A client certificate and its key, made in memory: self-signed RSA 2048, valid for a day.
   *
   * @param certificate the certificate to register with {@link #registerCertificateClient}
   * @param pem the certificate then the PKCS#8 private key, PEM ({@code BEGIN CERTIFICATE}, {@code BEGIN PRIVATE KEY})
   */
  public record ClientCertificate(X509Certificate certificate, PrivateKey privateKey, byte[] pem) {

    /** The certificate then the RSA key as PKCS#1 ({@code BEGIN RSA PRIVATE KEY}), as cert-manager writes tls.key. */
    public byte[] pemPkcs1() {
      try {
        byte[] pkcs1 = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(privateKey.getEncoded())
            .parsePrivateKey().toASN1Primitive().getEncoded();
        return (EntraStandIn.pem("CERTIFICATE", certificate.getEncoded()) + EntraStandIn.pem("RSA PRIVATE KEY", pkcs1))
            .getBytes(StandardCharsets.US_ASCII);
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot write the PKCS#1 PEM", e);
      }
    }

    /** The certificate and key as a PKCS#12 protected with {@code password} ({@code ""} for the empty password). */
    public byte[] pfx(String password) {
      try {
        char[] pw = password.toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", privateKey, pw, new Certificate[] {certificate});
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        store.store(out, pw);
        return out.toByteArray();
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot write the client PKCS#12", e);
      }
    }

    @Override
    public String toString() {
      return "ClientCertificate[" + certificate.getSubjectX500Principal() + "]";
    }
  }

  /** A self-signed RSA 2048 client certificate, valid for a day. */
  public static ClientCertificate clientCertificate(String commonName) {
    return clientCertificate(commonName, "RSA");
  }

  /** A self-signed client certificate with an {@code "RSA"} (2048) or {@code "EC"} (P-256) key, valid for a day. */
  public static ClientCertificate clientCertificate(String commonName, String keyAlgorithm) {
    try {
      KeyPair keyPair;
      String signature;
      if (keyAlgorithm.equals("EC")) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"), RANDOM);
        keyPair = generator.generateKeyPair();
        signature = "SHA256withECDSA";
      } else {
        keyPair = rsaKeyPair();
        signature = "SHA256withRSA";
      }
      Instant now = Instant.now();
      X500Principal subject = new X500Principal("CN=" + commonName);
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, RANDOM),
          Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject,
          keyPair.getPublic());
      var signer = new JcaContentSignerBuilder(signature).setProvider(BC).build(keyPair.getPrivate());
      X509Certificate certificate = new JcaX509CertificateConverter().setProvider(BC)
          .getCertificate(builder.build(signer));
      String pem = pem("CERTIFICATE", certificate.getEncoded()) + pem("PRIVATE KEY", keyPair.getPrivate().getEncoded());
      return new ClientCertificate(certificate, keyPair.getPrivate(), pem.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot make a client certificate", e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
