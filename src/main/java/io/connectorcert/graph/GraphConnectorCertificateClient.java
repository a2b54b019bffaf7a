package io.connectorcert.graph;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.exception.ClientAuthenticationException;
import com.azure.identity.CredentialUnavailableException;
import com.microsoft.aad.msal4j.MsalClientException;
import com.microsoft.aad.msal4j.MsalServiceException;
import com.microsoft.graph.beta.identity.apiconnectors.item.uploadclientcertificate.UploadClientCertificatePostRequestBody;
import com.microsoft.graph.beta.models.ClientCertificateAuthentication;
import com.microsoft.graph.beta.models.IdentityApiConnector;
import com.microsoft.graph.beta.models.Pkcs12CertificateInformation;
import com.microsoft.graph.beta.models.odataerrors.ODataError;
import com.microsoft.graph.beta.serviceclient.GraphServiceClient;
import com.microsoft.graph.core.authentication.AzureIdentityAuthenticationProvider;
import com.microsoft.graph.core.requests.BaseGraphRequestAdapter;
import com.microsoft.graph.core.requests.GraphClientFactory;
import com.microsoft.kiota.ApiException;
import com.microsoft.kiota.ResponseHeaders;
import com.microsoft.kiota.http.middleware.options.RetryHandlerOption;

import io.connectorcert.certificate.Pkcs12Upload;
import io.connectorcert.credentials.ServiceAccountTokenException;
import okhttp3.OkHttpClient;

/**
 * The one place that speaks the Microsoft Graph SDK. Reads connectors and uploads certificates exactly once: the SDK's
 * retries are off for both (a retried read would sleep for Retry-After on the caller's thread; the reconciler's
 * backoff honours it instead), and OkHttp's silent connection-failure retries are off (a read that meets a connection
 * the server had already closed is re-sent, an upload never). Every call takes its permit from its tenant's
 * {@link GraphTraffic.Lane} before it starts, so its timeout is all its own. Every SDK failure is turned into a
 * {@link GraphFailure} whose message never holds the request body, the password or a token.
 *
 * <p>Thread-safe; holds one {@link GraphServiceClient} (one OkHttp pool) for its lifetime. {@link #close()} releases
 * the pool's threads.
 */
public final class GraphConnectorCertificateClient implements ConnectorCertificateClient, AutoCloseable {

  public static final Set<String> API_VERSIONS = Set.of("beta", "v1.0");

  private static final Pattern AADSTS = Pattern.compile("AADSTS\\d+");
  private static final int MAX_GRAPH_MESSAGE = 300;

  private final URI endpoint;
  private final String apiVersion;
  private final GraphTraffic.Lane lane;
  private final TokenCredential tokens;
  private final TokenRequestContext tokenRequest;
  private final OkHttpClient http;
  private final GraphServiceClient graph;
  /** The status and headers of the last HTTP answer on this thread (kiota calls OkHttp synchronously). */
  private final ThreadLocal<ResponseFacts> lastResponse = new ThreadLocal<>();

  /** What the wire said, for failures kiota reports without a status (an unparseable body). */
  record ResponseFacts(int status, String requestId, String retryAfter) {}

  /**
   * @param credential where tokens come from; asked for scope {@code <graphEndpoint>/.default}
   * @param graphEndpoint e.g. {@code https://graph.microsoft.com} (no version, no trailing path); https, or http on a
   *     loopback address (tests, the demo)
   * @param apiVersion "beta" or "v1.0"
   * @param callTimeout the longest one Graph call may take once it has its permit, connect to last byte
   */
  public GraphConnectorCertificateClient(TokenCredential credential, URI graphEndpoint, String apiVersion,
      Duration callTimeout) {
    this(credential, graphEndpoint, apiVersion, callTimeout,
        GraphTraffic.unlimited().lane(new GraphTraffic.Key(graphEndpoint, "-", "-")));
  }

  /**
   * As above, with every call taking a permit from {@code lane} (its tenant and application's budget, and the
   * operator's bound on calls in flight) before it starts; a 429 pauses that lane.
   */
  public GraphConnectorCertificateClient(TokenCredential credential, URI graphEndpoint, String apiVersion,
      Duration callTimeout, GraphTraffic.Lane lane) {
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(callTimeout, "callTimeout");
    this.lane = Objects.requireNonNull(lane, "lane");
    this.endpoint = normalise(graphEndpoint);
    if (!API_VERSIONS.contains(apiVersion)) {
      throw new IllegalArgumentException("apiVersion must be one of " + API_VERSIONS + ", not " + apiVersion);
    }
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive");
    }
    this.apiVersion = apiVersion;

    String host = endpoint.getHost();
    this.tokens = new PermissionCheckingCredential(credential);
    // what the provider below asks for (kiota turns CAE on by default): the same request, the same cached token
    this.tokenRequest = new TokenRequestContext().addScopes(endpoint + "/.default").setCaeEnabled(true);
    // Without the endpoint's host in allowedHosts the provider silently sends NO token to non-Microsoft hosts.
    AzureIdentityAuthenticationProvider auth = new AzureIdentityAuthenticationProvider(
        tokens, new String[] {host}, endpoint + "/.default");

    long timeoutMs = callTimeout.toMillis();
    this.http = GraphClientFactory.create(GraphServiceClient.getGraphClientOptions())
        .connectTimeout(Math.min(timeoutMs, 10_000), TimeUnit.MILLISECONDS)
        .readTimeout(timeoutMs, TimeUnit.MILLISECONDS)
        .writeTimeout(timeoutMs, TimeUnit.MILLISECONDS)
        // starts when OkHttp executes the call, after the permit was taken: the whole budget is the call's
        .callTimeout(timeoutMs, TimeUnit.MILLISECONDS)
        // OkHttp would otherwise silently re-send a request (a POST included) after some connection failures;
        // proceed() below re-sends reads only
        .retryOnConnectionFailure(false)
        // idle connections are dropped before servers and proxies drop them, so few go stale in the pool
        .connectionPool(new okhttp3.ConnectionPool(8, 20, TimeUnit.SECONDS))
        // innermost application interceptor: sees every attempt, so the last one recorded is the final answer
        .addInterceptor(chain -> {
          okhttp3.Response response = proceed(chain);
          lastResponse.set(new ResponseFacts(response.code(), response.header("request-id"),
              response.header("Retry-After")));
          if (response.code() == 429) {
            // Graph throttles per application and tenant: this lane waits, the others do not
            var wait = retryAfter(response.header("Retry-After"));
            lane.pause(wait == null ? Duration.ofSeconds(1) : wait);
          }
          return response;
        })
        .build();
    String baseUrl = endpoint + "/" + apiVersion;
    BaseGraphRequestAdapter adapter =
        new BaseGraphRequestAdapter(auth, null, null, http, GraphServiceClient.getGraphClientOptions(), baseUrl);
    this.graph = new GraphServiceClient(adapter);
    // The beta client's (auth, OkHttpClient, Clouds) constructor targets /v1.0; say where we mean, after construction.
    graph.getRequestAdapter().setBaseUrl(baseUrl);
  }

  public URI endpoint() {
    return endpoint;
  }

  public String apiVersion() {
    return apiVersion;
  }

  @Override
  public ApiConnector readConnector(String connectorId) throws GraphFailure {
    requireId(connectorId);
    IdentityApiConnector answer;
    lastResponse.remove();
    try (var permit = permit("GET", false)) {
      // no SDK retries: they would sleep for Retry-After on this thread, past the call timeout, and hide the 429;
      // the reconciler's backoff honours Retry-After instead
      answer = graph.identity().apiConnectors().byIdentityApiConnectorId(connectorId)
          .get(config -> config.options.add(noRetries()));
    } catch (RuntimeException e) {
      throw classify("GET", e, lastResponse.get());
    } finally {
      lastResponse.remove();
    }
    return toConnector("GET", answer);
  }

  @Override
  public ApiConnector uploadCertificate(String connectorId, Pkcs12Upload upload, Runnable beforeSend)
      throws GraphFailure {
    requireId(connectorId);
    Objects.requireNonNull(upload, "upload");
    UploadClientCertificatePostRequestBody body = new UploadClientCertificatePostRequestBody();
    body.setPkcs12Value(Base64.getEncoder().encodeToString(upload.pkcs12()));
    body.setPassword(upload.password() == null ? "" : upload.password());
    IdentityApiConnector answer;
    lastResponse.remove();
    try (var permit = permit("POST", true)) {
      beforeSend.run();
      try {
        answer = graph.identity().apiConnectors().byIdentityApiConnectorId(connectorId).uploadClientCertificate()
            .post(body, config -> config.options.add(noRetries()));
      } catch (RuntimeException e) {
        throw classify("POST", e, lastResponse.get());
      }
    } finally {
      lastResponse.remove();
    }
    return toConnector("POST", answer);
  }

  /**
   * The call's permit, taken before the call (and its timeout) starts. The token comes first: a token request neither
   * holds a permit nor lets the calls that waited for it go out together, past the lane's rate.
   */
  private GraphTraffic.Permit permit(String method, boolean write) throws GraphFailure {
    try {
      tokens.getTokenSync(tokenRequest);
    } catch (RuntimeException e) {
      throw classify(method, e, null);
    }
    try {
      return lane.acquire(write);
    } catch (GraphTraffic.PausedByGraph paused) {
      throw new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 429, "TooManyRequests", null, paused.remaining(),
          "Graph " + method + " not sent: " + paused.getMessage(), null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 0, null, null, null,
          "Graph " + method + " not sent: interrupted while waiting for its turn (the operator is stopping)", null);
    }
  }

  /**
   * Sends the request; a read (GET) that meets a connection the server had already closed is sent again on another
   * one, up to twice. An upload is never re-sent: it may have been applied.
   */
  private static okhttp3.Response proceed(okhttp3.Interceptor.Chain chain) throws IOException {
    var request = chain.request();
    for (int attempt = 1; ; attempt++) {
      try {
        return chain.proceed(request);
      } catch (java.io.InterruptedIOException timeout) {
        throw timeout;
      } catch (IOException stale) {
        if (!"GET".equals(request.method()) || attempt == 3) {
          throw stale;
        }
      }
    }
  }

  /** No re-send of an upload: an unanswered or throttled POST may or may not have been applied. */
  static RetryHandlerOption noRetries() {
    return new RetryHandlerOption((delay, executionCount, request, response) -> false, 0, 0);
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static ApiConnector toConnector(String method, IdentityApiConnector answer) throws GraphFailure {
    if (answer == null) {
      throw new GraphFailure(GraphFailure.Kind.REJECTED, 200, null, null, null,
          "Graph answered " + method + " with 200 but no connector in the body (empty or not application/json)",
          null);
    }
    List<ConnectorCertificate> certificates = new ArrayList<>();
    if (answer.getAuthenticationConfiguration() instanceof ClientCertificateAuthentication cca
        && cca.getCertificateList() != null) {
      for (Pkcs12CertificateInformation info : cca.getCertificateList()) {
        if (info == null) {
          continue;
        }
        certificates.add(new ConnectorCertificate(info.getThumbprint(), epoch(info.getNotBefore()),
            epoch(info.getNotAfter()), Boolean.TRUE.equals(info.getIsActive())));
      }
    }
    return new ApiConnector(answer.getId(), answer.getDisplayName(), answer.getTargetUrl(), certificates);
  }

  private static Instant epoch(Long seconds) {
    return seconds == null ? null : Instant.ofEpochSecond(seconds);
  }

  /** Classifies what the SDK threw. Package-private for tests. */
  static GraphFailure classify(String method, RuntimeException thrown, ResponseFacts wire) {
    MissingPermissionException missing = find(thrown, MissingPermissionException.class);
    if (missing != null) {
      return new GraphFailure(GraphFailure.Kind.FORBIDDEN, 0, null, null, null,
          "not called: " + missing.getMessage(), null);
    }
    ServiceAccountTokenException noAssertion = find(thrown, ServiceAccountTokenException.class);
    if (noAssertion != null) {
      // no Kubernetes token to federate, so Entra was never asked; a 5xx or no answer is worth a retry
      var kind = noAssertion.kind() == ServiceAccountTokenException.Kind.UNAVAILABLE
          ? GraphFailure.Kind.UNAVAILABLE : GraphFailure.Kind.UNAUTHENTICATED;
      return new GraphFailure(kind, 0, GraphFailure.serviceAccountErrorCode(noAssertion.kind()), null, null,
          "no Graph token: " + noAssertion.getMessage(), null);
    }
    ApiException api = find(thrown, ApiException.class);
    if (api != null) {
      return fromResponse(method, api);
    }
    MsalServiceException entra = find(thrown, MsalServiceException.class);
    if (entra != null) {
      // Entra answered the token request with an error: AADSTS codes are the user's to fix, 429/5xx are transient
      int status = entra.statusCode() == null ? 0 : entra.statusCode();
      var kind = status == 429 || status >= 500 ? GraphFailure.Kind.UNAVAILABLE : GraphFailure.Kind.UNAUTHENTICATED;
      return new GraphFailure(kind, 0, aadsts(entra.getMessage()), null, null,
          "no Graph token: Entra answered " + (status == 0 ? "" : status + " ") + entra.errorCode() + " "
              + tokenErrorSummary(entra.getMessage()), null);
    }
    CredentialUnavailableException unavailable = find(thrown, CredentialUnavailableException.class);
    if (unavailable != null) {
      // azure-identity could not use its source just now (the managed identity endpoint did not answer, or nothing
      // in DefaultAzureCredential's chain could): usually a passing hiccup, so retried with backoff, not final
      return new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 0, null, null, null,
          "no Graph token: credential unavailable: " + tokenErrorSummary(unavailable.getMessage()), null);
    }
    IOException unreachable = find(thrown, IOException.class);
    if (unreachable != null && (find(thrown, MsalClientException.class) != null
        || find(thrown, ClientAuthenticationException.class) != null)) {
      // the token endpoint (Entra, or the identity endpoint behind it) did not answer: a network failure, not a
      // refusal; DefaultAzureCredential reports it as ClientAuthenticationException
      return new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 0, null, null, null,
          "no Graph token: the token endpoint did not answer: " + unreachable.getClass().getSimpleName() + ": "
              + firstLine(unreachable.getMessage()), null);
    }
    ClientAuthenticationException auth = find(thrown, ClientAuthenticationException.class);
    if (auth != null) {
      // azure-identity messages can be long and carry MSAL details; keep the AADSTS code or the first line only,
      // and never the exception itself.
      return new GraphFailure(GraphFailure.Kind.UNAUTHENTICATED, 0, aadsts(auth.getMessage()), null, null,
          "no Graph token: " + auth.getClass().getSimpleName() + ": " + tokenErrorSummary(auth.getMessage()), null);
    }
    Throwable json = findByName(thrown, "com.google.gson.JsonParseException");
    if (json == null) {
      json = findByName(thrown, "com.google.gson.stream.MalformedJsonException"); // an IOException: check first
    }
    if (json != null) {
      // kiota reports an unparseable body without its status: take the status from the wire
      if (wire != null && wire.status() >= 400) {
        int status = wire.status();
        Duration retryAfter = retryAfter(wire.retryAfter());
        String requestId = blankToNull(wire.requestId());
        return new GraphFailure(kindFor(status), status, null, requestId, retryAfter,
            "Graph answered " + method + " " + status + ": (error body is not JSON)"
                + (requestId == null ? "" : " (request-id " + requestId + ")"), null);
      }
      int status = wire == null ? 0 : wire.status();
      return new GraphFailure(GraphFailure.Kind.REJECTED, status, null, wire == null ? null : wire.requestId(), null,
          "Graph answered " + method + (status == 0 ? "" : " " + status)
              + " with a body that is not a connector (unparseable JSON)", null);
    }
    IOException io = find(thrown, IOException.class);
    if (io != null) {
      return new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 0, null, null, null,
          "Graph " + method + " got no answer: " + io.getClass().getSimpleName() + ": " + firstLine(io.getMessage()),
          io);
    }
    return new GraphFailure(GraphFailure.Kind.UNAVAILABLE, 0, null, null, null,
        "Graph " + method + " failed: " + thrown.getClass().getName() + ": " + firstLine(thrown.getMessage()), null);
  }

  private static GraphFailure fromResponse(String method, ApiException api) {
    int status = api.getResponseStatusCode();
    String code = null;
    String graphMessage = null;
    String requestId = null;
    if (api instanceof ODataError odata && odata.getError() != null) {
      code = blankToNull(odata.getError().getCode());
      graphMessage = blankToNull(odata.getError().getMessage());
      if (odata.getError().getInnerError() != null) {
        requestId = blankToNull(odata.getError().getInnerError().getRequestId());
      }
    }
    ResponseHeaders headers = api.getResponseHeaders();
    if (requestId == null) {
      requestId = header(headers, "request-id");
    }
    GraphFailure.Kind kind = kindFor(status);
    Duration retryAfter = retryAfter(header(headers, "Retry-After"));

    StringBuilder message = new StringBuilder("Graph answered ").append(method).append(' ').append(status);
    if (code != null) {
      message.append(' ').append(code);
    }
    message.append(": ").append(graphMessage != null ? truncate(firstLine(graphMessage)) : "(no Graph error body)");
    if (requestId != null) {
      message.append(" (request-id ").append(requestId).append(')');
    }
    if (retryAfter != null) {
      message.append(" (retry after ").append(retryAfter.toMillis()).append(" ms)");
    }
    // ODataError's message is Graph's own error text; kiota's bare ApiException carries no body either.
    return new GraphFailure(kind, status, code, requestId, retryAfter, message.toString(), api);
  }

  static GraphFailure.Kind kindFor(int status) {
    if (status == 404) {
      return GraphFailure.Kind.NOT_FOUND;
    } else if (status == 403) {
      return GraphFailure.Kind.FORBIDDEN;
    } else if (status == 401) {
      return GraphFailure.Kind.UNAUTHENTICATED;
    } else if (status == 429 || status == 409 || status >= 500) {
      // 409: Graph's concurrency conflict (another write to the object at the same moment): try again later
      return GraphFailure.Kind.UNAVAILABLE;
    } else if (status >= 400) {
      return GraphFailure.Kind.REJECTED;
    }
    return GraphFailure.Kind.UNAVAILABLE; // 1xx/3xx surfacing as an error: odd, treat as transient
  }

  /** Retry-After as delta-seconds (possibly fractional) or an HTTP date; null when absent or unreadable. */
  static Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      if (seconds < 0 || Double.isNaN(seconds) || Double.isInfinite(seconds)) {
        return null;
      }
      return Duration.ofMillis(Math.round(seconds * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration until = Duration.between(Instant.now(), at.toInstant());
        return until.isNegative() ? Duration.ZERO : until;
      } catch (RuntimeException notDate) {
        return null;
      }
    }
  }

  private static String header(ResponseHeaders headers, String name) {
    if (headers == null) {
      return null;
    }
    Set<String> values = headers.get(name);
    if (values == null || values.isEmpty()) {
      values = headers.get(name.toLowerCase(Locale.ROOT));
    }
    return values == null || values.isEmpty() ? null : blankToNull(values.iterator().next());
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static Throwable findByName(Throwable t, String className) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      for (Class<?> k = c.getClass(); k != null; k = k.getSuperclass()) {
        if (k.getName().equals(className)) {
          return c;
        }
      }
    }
    return null;
  }

  private static String aadsts(String message) {
    if (message == null) {
      return null;
    }
    Matcher m = AADSTS.matcher(message);
    return m.find() ? m.group() : null;
  }

  private static String tokenErrorSummary(String message) {
    String code = aadsts(message);
    return code != null ? code : truncate(firstLine(message));
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s.strip() : s.substring(0, nl).strip();
  }

  private static String truncate(String s) {
    return s.length() <= MAX_GRAPH_MESSAGE ? s : s.substring(0, MAX_GRAPH_MESSAGE) + "...";
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static void requireId(String connectorId) {
    if (connectorId == null || connectorId.isBlank()) {
      throw new IllegalArgumentException("connectorId must not be blank");
    }
  }

  private static URI normalise(URI graphEndpoint) {
    Objects.requireNonNull(graphEndpoint, "graphEndpoint");
    String s = graphEndpoint.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    URI uri = URI.create(s);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("graphEndpoint needs a host: " + graphEndpoint);
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty()) {
      throw new IllegalArgumentException("graphEndpoint must not carry a path or version: " + graphEndpoint);
    }
    boolean loopback = Set.of("localhost", "127.0.0.1", "::1", "[::1]").contains(uri.getHost().toLowerCase(Locale.ROOT));
    if (!"https".equalsIgnoreCase(uri.getScheme()) && !("http".equalsIgnoreCase(uri.getScheme()) && loopback)) {
      // kiota refuses to attach a token to plain http anywhere but loopback
      throw new IllegalArgumentException("graphEndpoint must be https (http only on loopback): " + graphEndpoint);
    }
    return uri;
  }
}
