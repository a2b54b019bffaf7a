package io.connectorcert.standin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.connectorcert.certificate.Thumbprints;
import io.connectorcert.graph.ConnectorCertificate;

/**
 * A small, faithful, in-process Microsoft Graph for tests and the {@code demo} command: API connectors under
 * {@code /beta} and {@code /v1.0}, {@code GET /identity/apiConnectors/{id}} and
 * {@code POST /identity/apiConnectors/{id}/uploadClientCertificate}, Graph's error format, bearer-token checks and
 * B2C's PKCS#12 rules (3DES key bag, SHA-1 MAC). Faults can be queued or drawn at random.
 *
 * <p>Thread-safe. Keeps no request body, password or certificate material: only thumbprints and validity.
 */
public final class GraphStandIn implements AutoCloseable {

  public static final Set<String> VERSIONS = Set.of("beta", "v1.0");

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD_INCORRECT = "The certificate password provided in request is incorrect.";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Clock clock;
  private final URI endpoint;

  // all state below guarded by "this"
  private Predicate<String> tokens;
  private final Function<String, String> tokenTenant;
  private final Map<String, Connector> connectors = new LinkedHashMap<>();
  private final List<RecordedRequest> requests = new ArrayList<>();
  private final Deque<Fault> faults = new ArrayDeque<>();
  private FaultProfile profile = FaultProfile.NONE;
  private String profileMethod;
  private Random profileRandom = new Random(0);
  private Duration readLag = Duration.ZERO;
  private boolean uploadAnswersLag;
  private final Map<String, Duration> readLags = new java.util.HashMap<>();
  private Duration latencyBase = Duration.ZERO;
  private Duration latencyJitter = Duration.ZERO;
  private final Random latencyRandom = new Random(42);

  private GraphStandIn(Builder b) throws IOException {
    this.clock = b.clock;
    this.tokens = b.tokens;
    this.tokenTenant = b.tokenTenant;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), 0);
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newFixedThreadPool(b.threads, r -> {
      Thread t = new Thread(r, "graph-stand-in-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    this.endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A stand-in on 127.0.0.1, an ephemeral port, accepting exactly these bearer tokens. */
  public static GraphStandIn start(Set<String> acceptedTokens) {
    return builder().acceptTokens(acceptedTokens).start();
  }

  public static GraphStandIn start(Predicate<String> acceptToken) {
    return builder().acceptTokens(acceptToken).start();
  }

  public static Builder builder() {
    return new Builder();
  }

  public static final class Builder {
    private Predicate<String> tokens = t -> false;
    private Function<String, String> tokenTenant = t -> null;
    private Clock clock = Clock.systemUTC();
    private int port;
    private int threads = 4;

    private Builder() {}

    public Builder acceptTokens(Set<String> accepted) {
      Set<String> copy = Set.copyOf(accepted);
      this.tokens = copy::contains;
      return this;
    }

    /** How to tell a token's tenant, for connectors that belong to one tenant. */
    public Builder tokenTenant(Function<String, String> tenantOfToken) {
      this.tokenTenant = Objects.requireNonNull(tenantOfToken);
      return this;
    }

    public Builder acceptTokens(Predicate<String> accept) {
      this.tokens = Objects.requireNonNull(accept);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** 0 (the default) picks a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder threads(int threads) {
      this.threads = Math.max(1, threads);
      return this;
    }

    public GraphStandIn start() {
      try {
        return new GraphStandIn(this);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the Graph stand-in", e);
      }
    }
  }

  // ----------------------------------------------------------------------------------------------- test-facing API

  /** Where Graph is, without a version: {@code http://127.0.0.1:PORT}. */
  public URI endpoint() {
    return endpoint;
  }

  public synchronized void addConnector(String id, String displayName, String targetUrl) {
    addConnector(id, displayName, targetUrl, null);
  }

  /**
   * A connector that exists only in {@code tenantId}: a token of another tenant (by the builder's
   * {@code tokenTenant}) gets 404, as a connector id from another tenant does in Graph.
   */
  public synchronized void addConnector(String id, String displayName, String targetUrl, String tenantId) {
    connectors.put(id, new Connector(id, displayName, targetUrl, tenantId));
  }

  /** The connector's certificate list as Graph would answer it now (isActive by the stand-in's clock). */
  public synchronized List<ConnectorCertificate> certificates(String connectorId) {
    Connector c = connector(connectorId);
    List<ConnectorCertificate> out = new ArrayList<>();
    int active = activeIndex(c.certificates);
    for (int i = 0; i < c.certificates.size(); i++) {
      Stored s = c.certificates.get(i);
      out.add(new ConnectorCertificate(s.thumbprint, s.notBefore, s.notAfter, i == active));
    }
    return List.copyOf(out);
  }

  public synchronized List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  /** Uploads applied to the connector (including ones answered 504 after applying). */
  public synchronized long uploads(String connectorId) {
    Connector c = connectors.get(connectorId);
    return c == null ? 0 : c.certificates.size();
  }

  /** Upload POSTs that reached the connector's path, whatever the outcome. */
  public synchronized long uploadAttempts(String connectorId) {
    String suffix = "/" + connectorId.toLowerCase(Locale.ROOT) + "/uploadclientcertificate";
    return requests.stream().filter(RecordedRequest::isUpload)
        .filter(r -> r.path().toLowerCase(Locale.ROOT).endsWith(suffix)).count();
  }

  /** Queue a one-shot fault; faults are taken in order by the first request they match. */
  public synchronized void failNext(Fault fault) {
    faults.add(Objects.requireNonNull(fault));
  }

  public synchronized void clearFaults() {
    faults.clear();
    profile = FaultProfile.NONE;
    profileMethod = null;
    latencyBase = Duration.ZERO;
    latencyJitter = Duration.ZERO;
  }

  /** Random faults on every request. */
  public synchronized void setFaultProfile(FaultProfile profile) {
    setFaultProfile(profile, null);
  }

  /** Random faults on requests of one method only (null: all). */
  public synchronized void setFaultProfile(FaultProfile profile, String method) {
    this.profile = Objects.requireNonNull(profile);
    this.profileMethod = method == null ? null : method.toUpperCase(Locale.ROOT);
    this.profileRandom = new Random(profile.seed());
  }

  /**
   * Read-after-write lag, as Entra's eventual consistency allows: a GET shows an upload only {@code lag} after Graph
   * applied it (the upload's own answer shows it at once). For every connector without a lag of its own.
   */
  public synchronized void setReadLag(Duration lag) {
    this.readLag = Objects.requireNonNull(lag);
  }

  /** Read-after-write lag for one connector. */
  public synchronized void setReadLag(String connectorId, Duration lag) {
    readLags.put(connectorId, Objects.requireNonNull(lag));
  }

  /** Upload answers built from the same lagging view as reads: a 200 that does not list what it applied. */
  public synchronized void setUploadAnswersLag(boolean lagging) {
    this.uploadAnswersLag = lagging;
  }

  /** Every answer waits base + uniform[0, jitter). */
  public synchronized void setLatency(Duration base, Duration jitter) {
    this.latencyBase = Objects.requireNonNull(base);
    this.latencyJitter = Objects.requireNonNull(jitter);
  }

  public synchronized void setAcceptedTokens(Predicate<String> accept) {
    this.tokens = Objects.requireNonNull(accept);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------------------ serving

  private record Route(String version, String rest, String connectorId, boolean upload) {}

  private record Answer(int status, String body, Map<String, String> headers) {
    static Answer json(int status, String body) {
      return new Answer(status, body, new LinkedHashMap<>());
    }

    Answer header(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    Instant arrived = clock.instant();
    String requestId = UUID.randomUUID().toString();
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    String rawPath = exchange.getRequestURI().getPath();
    String token = bearer(exchange.getRequestHeaders().getFirst("Authorization"));
    Route route = route(rawPath);
    String version = route == null ? "" : route.version;
    String rest = route == null ? rawPath : route.rest;

    Answer answer;
    try {
      byte[] body = readAll(exchange.getRequestBody());
      Fault fault;
      Duration latency;
      synchronized (this) {
        fault = takeFault(method, route == null ? null : route.connectorId);
        latency = latency();
      }
      if (fault != null && fault.kind() == Fault.Kind.DELAY) {
        latency = latency.plus(fault.delay());
        fault = null;
      }
      if (!latency.isZero()) {
        Thread.sleep(latency.toMillis());
      }
      answer = answer(method, route, token, body, fault, requestId, arrived);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      answer = error(503, "ServiceUnavailable", "The stand-in is shutting down.", requestId, arrived);
    } catch (RuntimeException e) {
      answer = error(500, "InternalServerError", "Stand-in failure: " + e.getClass().getSimpleName(), requestId,
          arrived);
    }

    synchronized (this) {
      requests.add(new RecordedRequest(method, rest, version, answer.status, token, requestId, arrived));
    }
    exchange.getResponseHeaders().set("request-id", requestId);
    String clientRequestId = exchange.getRequestHeaders().getFirst("client-request-id");
    if (clientRequestId != null) {
      exchange.getResponseHeaders().set("client-request-id", clientRequestId);
    }
    answer.headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    if (answer.body == null) {
      exchange.sendResponseHeaders(answer.status, -1);
    } else {
      if (!answer.headers.containsKey("Content-Type")) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
      }
      byte[] bytes = answer.body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(answer.status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
    exchange.close();
  }

  private Answer answer(String method, Route route, String token, byte[] body, Fault fault, String requestId,
      Instant now) {
    if (route == null) {
      return error(400, "BadRequest", "Resource not found for the segment.", requestId, now);
    }
    boolean accepted;
    synchronized (this) {
      accepted = token != null && tokens.test(token);
    }
    if (!accepted) {
      return error(401, "InvalidAuthenticationToken",
          token == null ? "Access token is empty." : "Access token validation failure. Invalid audience.",
          requestId, now)
          .header("WWW-Authenticate", "Bearer realm=\"\", authorization_uri=\"https://login.microsoftonline.com/"
              + "common/oauth2/authorize\", client_id=\"00000003-0000-0000-c000-000000000000\"");
    }
    synchronized (this) {
      Connector c = connectors.get(route.connectorId);
      if (c != null && c.tenantId != null && !c.tenantId.equals(tokenTenant.apply(token))) {
        return notFound(route, requestId, now);
      }
    }
    if (fault != null) {
      switch (fault.kind()) {
        case ERROR -> {
          Answer a = error(fault.status(), codeFor(fault.status()), messageFor(fault.status()), requestId, now);
          if (fault.retryAfterHeader() != null) {
            a.header("Retry-After", fault.retryAfterHeader());
          }
          return a;
        }
        case MALFORMED_200 -> {
          Answer a = Answer.json(fault.status(), "<html>this is not JSON");
          if (fault.retryAfterHeader() != null) {
            a.header("Retry-After", fault.retryAfterHeader());
          }
          return a;
        }
        case EMPTY_200 -> {
          return new Answer(200, null, new LinkedHashMap<>());
        }
        default -> {
          // GATEWAY_TIMEOUT_AFTER_APPLY: fall through, apply, then answer 504
        }
      }
    }
    boolean gatewayTimeout = fault != null && fault.kind() == Fault.Kind.GATEWAY_TIMEOUT_AFTER_APPLY;

    Answer real;
    if (!route.upload) {
      real = "GET".equals(method) ? read(route, requestId, now)
          : error(405, "Request_BadRequest", "The requested method is not allowed on this resource.", requestId, now);
    } else {
      real = "POST".equals(method) ? upload(route, body, requestId, now)
          : error(405, "Request_BadRequest", "The requested method is not allowed on this resource.", requestId, now);
    }
    if (gatewayTimeout) {
      return error(504, "GatewayTimeout", "The gateway did not receive a response in time.", requestId, now);
    }
    return real;
  }

  private Answer read(Route route, String requestId, Instant now) {
    synchronized (this) {
      Connector c = connectors.get(route.connectorId);
      if (c == null) {
        return notFound(route, requestId, now);
      }
      // Entra is eventually consistent: a read may not show a write yet
      return Answer.json(200, connectorJson(c, visibleToReads(c), route.version));
    }
  }

  private Answer upload(Route route, byte[] body, String requestId, Instant now) {
    synchronized (this) {
      if (!connectors.containsKey(route.connectorId)) {
        return notFound(route, requestId, now);
      }
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (IOException e) {
      return error(400, "BadRequest", "Unable to read JSON request payload.", requestId, now);
    }
    if (json == null || !json.isObject()) {
      return error(400, "BadRequest", "Empty Payload. JSON content expected.", requestId, now);
    }
    JsonNode value = json.get("pkcs12Value");
    JsonNode password = json.get("password");
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      return error(400, "BadRequest", "Required parameter pkcs12Value is missing.", requestId, now);
    }
    if (password == null || !password.isTextual()) {
      return error(400, "BadRequest", "Required parameter password is missing.", requestId, now);
    }
    byte[] pkcs12;
    try {
      pkcs12 = Base64.getDecoder().decode(value.asText());
    } catch (IllegalArgumentException e) {
      return error(400, "BadRequest", "pkcs12Value is not valid base64.", requestId, now);
    }
    Pkcs12Inspector.Result result = Pkcs12Inspector.inspect(pkcs12, password.asText());
    switch (result.verdict()) {
      case PASSWORD_INCORRECT:
        return error(400, "AADB2C90213", PASSWORD_INCORRECT, requestId, now);
      case NO_PRIVATE_KEY:
        return error(400, "BadRequest", "The pfx has no private key", requestId, now);
      case MALFORMED:
        return error(400, "BadRequest", "pkcs12Value is not a valid PKCS#12 file.", requestId, now);
      default:
        break;
    }
    Stored stored = new Stored(Thumbprints.of(result.leaf()), result.leaf().getNotBefore().toInstant(),
        result.leaf().getNotAfter().toInstant(), clock.instant());
    synchronized (this) {
      Connector c = connectors.get(route.connectorId);
      if (c == null) {
        return notFound(route, requestId, now);
      }
      c.certificates.add(stored); // Graph appends, duplicates included
      c.certificateAuth = true;
      // the write's own answer shows what it applied, unless it came from a replica that lags too
      return Answer.json(200, connectorJson(c, uploadAnswersLag ? visibleToReads(c) : c.certificates,
          route.version));
    }
  }

  private Answer notFound(Route route, String requestId, Instant now) {
    return error(404, "Request_ResourceNotFound",
        "Resource '" + route.connectorId + "' does not exist or one of its queried reference-property objects are "
            + "not present.", requestId, now);
  }

  // ------------------------------------------------------------------------------------------------------ helpers

  /** /{version}/identity/apiConnectors/{id}[/uploadClientCertificate], segments matched case-insensitively. */
  private static Route route(String path) {
    if (path == null) {
      return null;
    }
    String[] parts = path.split("/");
    // "", version, identity, apiConnectors, id, [uploadClientCertificate]
    if (parts.length < 5 || parts.length > 6 || !parts[0].isEmpty()) {
      return null;
    }
    if (!VERSIONS.contains(parts[1]) || !parts[2].equalsIgnoreCase("identity")
        || !parts[3].equalsIgnoreCase("apiConnectors") || parts[4].isEmpty()) {
      return null;
    }
    boolean upload = parts.length == 6;
    if (upload && !parts[5].equalsIgnoreCase("uploadClientCertificate")) {
      return null;
    }
    String id = parts[4];
    if (id.startsWith("'") && id.endsWith("'") && id.length() > 1) {
      id = id.substring(1, id.length() - 1);
    }
    return new Route(parts[1], path.substring(parts[1].length() + 1), id, upload);
  }

  private String connectorJson(Connector c, List<Stored> certificates, String version) {
    ObjectNode root = JSON.createObjectNode();
    root.put("@odata.context", endpoint + "/" + version + "/$metadata#identity/apiConnectors/$entity");
    root.put("id", c.id);
    root.put("displayName", c.displayName);
    root.put("targetUrl", c.targetUrl);
    ObjectNode auth = root.putObject("authenticationConfiguration");
    if (!c.certificateAuth || certificates.isEmpty()) {
      auth.put("@odata.type", "#microsoft.graph.basicAuthentication");
      auth.put("username", "connector");
      auth.put("password", "******");
    } else {
      auth.put("@odata.type", "#microsoft.graph.clientCertificateAuthentication");
      ArrayNode list = auth.putArray("certificateList");
      int active = activeIndex(certificates);
      for (int i = 0; i < certificates.size(); i++) {
        Stored s = certificates.get(i);
        ObjectNode e = list.addObject();
        e.put("thumbprint", s.thumbprint);
        e.put("notAfter", s.notAfter.getEpochSecond());
        e.put("notBefore", s.notBefore.getEpochSecond());
        e.put("isActive", i == active);
      }
    }
    return root.toString();
  }

  /** What a read shows now: the uploads applied at least the connector's read lag ago. Caller holds the lock. */
  private List<Stored> visibleToReads(Connector c) {
    Duration lag = readLags.getOrDefault(c.id, readLag);
    if (lag.isZero()) {
      return c.certificates;
    }
    Instant horizon = clock.instant().minus(lag);
    return c.certificates.stream().filter(s -> !s.appliedAt.isAfter(horizon)).toList();
  }

  /** The most recently uploaded certificate that is valid now; -1 when none is. */
  private int activeIndex(List<Stored> certificates) {
    Instant now = clock.instant();
    for (int i = certificates.size() - 1; i >= 0; i--) {
      Stored s = certificates.get(i);
      if (!now.isBefore(s.notBefore) && now.isBefore(s.notAfter)) {
        return i;
      }
    }
    return -1;
  }

  private Connector connector(String id) {
    Connector c = connectors.get(id);
    if (c == null) {
      throw new IllegalArgumentException("no connector " + id);
    }
    return c;
  }

  /** Caller holds the lock. */
  private Fault takeFault(String method, String connectorId) {
    for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
      Fault f = it.next();
      if (f.matches(method, connectorId)) {
        it.remove();
        return f;
      }
    }
    if (profileMethod == null || profileMethod.equals(method)) {
      return profile.draw(profileRandom.nextDouble());
    }
    return null;
  }

  /** Caller holds the lock. */
  private Duration latency() {
    if (latencyJitter.isZero()) {
      return latencyBase;
    }
    return latencyBase.plusMillis((long) (latencyRandom.nextDouble() * latencyJitter.toMillis()));
  }

  private static Answer error(int status, String code, String message, String requestId, Instant now) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", message);
    ObjectNode inner = error.putObject("innerError");
    inner.put("date", DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)));
    inner.put("request-id", requestId);
    inner.put("client-request-id", requestId);
    return Answer.json(status, root.toString());
  }

  private static String codeFor(int status) {
    return switch (status) {
      case 429 -> "TooManyRequests";
      case 503 -> "ServiceUnavailable";
      case 504 -> "GatewayTimeout";
      case 500 -> "InternalServerError";
      case 403 -> "Authorization_RequestDenied";
      case 409 -> "Conflict";
      default -> "BadRequest";
    };
  }

  private static String messageFor(int status) {
    return switch (status) {
      case 429 -> "Too many requests. Please try again later.";
      case 503 -> "The service is temporarily unavailable.";
      case 504 -> "The gateway did not receive a response in time.";
      case 403 -> "Insufficient privileges to complete the operation.";
      default -> "The stand-in was told to fail this request.";
    };
  }

  private static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String a = authorization.trim();
    if (a.regionMatches(true, 0, "Bearer ", 0, 7)) {
      String t = a.substring(7).trim();
      return t.isEmpty() ? null : t;
    }
    return null;
  }

  private static byte[] readAll(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  private static final class Connector {
    final String id;
    final String displayName;
    final String targetUrl;
    final List<Stored> certificates = new ArrayList<>();
    boolean certificateAuth;

    final String tenantId;

    Connector(String id, String displayName, String targetUrl, String tenantId) {
      this.tenantId = tenantId;
      this.id = id;
      this.displayName = displayName;
      this.targetUrl = targetUrl;
    }
  }

  /** One uploaded certificate and when Graph applied it (reads may show it only later). */
  private record Stored(String thumbprint, Instant notBefore, Instant notAfter, Instant appliedAt) {}
}
