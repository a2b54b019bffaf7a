package io.connectorcert.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.connectorcert.credentials.Cloud;
import io.connectorcert.credentials.GraphTarget;
import io.connectorcert.graph.GraphConnectorCertificateClient;
import io.connectorcert.graph.GraphTraffic;

/**
 * The operator's settings, read once at start-up from the environment. Anything wrong fails fast with one line that
 * names the variable.
 */
public record OperatorConfig(
    Cloud cloud,
    Optional<URI> graphEndpointOverride,
    Optional<URI> authorityHostOverride,
    String graphApiVersion,
    Optional<Path> federatedTokenFile,
    Set<String> watchNamespaces,
    Duration resyncInterval,
    int httpPort,
    String instanceName,
    Optional<LeaderElection> leaderElection,
    Duration shutdownTimeout,
    Optional<String> secretLabelSelector,
    int graphMaxConcurrency,
    double graphRateLimit,
    Duration expiryWarning,
    Duration uploadSettleWindow,
    boolean allowSharedWorkloadIdentity,
    Duration graphCallTimeout,
    double graphWriteRateLimit) {

  /**
   * The longest a reconcile takes between deciding to upload and its upload ending, besides its Graph calls: the
   * PKCS#12 encoding (bounded: {@code certificate/} caps its cost) and the status write that records the attempt.
   */
  public static final Duration UPLOAD_PREPARATION = Duration.ofSeconds(1);

  public OperatorConfig {
    leaderElection.ifPresent(settings -> checkLeaseOutlastsAnUpload(settings, graphCallTimeout));
    // an upload recorded by a replica that then stopped may still land up to a call timeout later
    if (uploadSettleWindow.compareTo(graphCallTimeout) <= 0) {
      throw new InvalidConfigException(UPLOAD_SETTLE_WINDOW + "=" + uploadSettleWindow.toMillis() + " ms must be "
          + "longer than " + GRAPH_CALL_TIMEOUT + " (" + graphCallTimeout.toMillis() + " ms): an upload whose sender "
          + "stopped may still land that long after it was recorded");
    }
  }

  public static final String GRAPH_CLOUD = "GRAPH_CLOUD";
  public static final String GRAPH_ENDPOINT = "GRAPH_ENDPOINT";
  public static final String AZURE_AUTHORITY_HOST = "AZURE_AUTHORITY_HOST";
  public static final String GRAPH_API_VERSION = "GRAPH_API_VERSION";
  public static final String AZURE_FEDERATED_TOKEN_FILE = "AZURE_FEDERATED_TOKEN_FILE";
  public static final String WATCH_NAMESPACES = "WATCH_NAMESPACES";
  public static final String RESYNC_INTERVAL = "RESYNC_INTERVAL";
  public static final String HTTP_PORT = "HTTP_PORT";
  public static final String GRAPH_MAX_CONCURRENCY = "GRAPH_MAX_CONCURRENCY";
  /**
   * Graph requests started per second, per (cloud, tenant, application). Graph's identity and access throttling
   * (learn.microsoft.com/graph/throttling-limits, "Identity and access service limits") gives each
   * application+tenant pair a budget of 3,500 ResourceUnits per 10 s in a tenant under 50 users (5,000 for 50 to
   * 500 users, 8,000 above), and a GET or POST on an identity path it does not list (identity/apiConnectors is not
   * listed) costs 1. The default, 175/s, is half of the smallest budget: room for the application's other calls
   * and for Graph throttling early under load.
   */
  public static final String GRAPH_RATE_LIMIT = "GRAPH_RATE_LIMIT";
  public static final double DEFAULT_GRAPH_RATE_LIMIT = 175;
  /**
   * Graph writes (uploads) per second, per (cloud, tenant, application), with a burst of 150 s of it. Graph's write
   * quota per application+tenant pair is 3,000 per 2 minutes 30 seconds (same page; a POST costs 1 write); the
   * default, 5/s with a burst of 750, sends at most 1,500 in any 150 s: half of it.
   */
  public static final String GRAPH_WRITE_RATE_LIMIT = "GRAPH_WRITE_RATE_LIMIT";
  public static final double DEFAULT_GRAPH_WRITE_RATE_LIMIT = 5;
  /** Set by Kubernetes to the pod name; names this replica in Events. */
  public static final String HOSTNAME = "HOSTNAME";
  public static final String LEADER_ELECTION = "LEADER_ELECTION";
  public static final String LEADER_ELECTION_LEASE_NAME = "LEADER_ELECTION_LEASE_NAME";
  public static final String LEADER_ELECTION_NAMESPACE = "LEADER_ELECTION_NAMESPACE";
  /** Set in the Deployment from the downward API (metadata.namespace); the lease's namespace by default. */
  public static final String POD_NAMESPACE = "POD_NAMESPACE";
  public static final String SHUTDOWN_TIMEOUT = "SHUTDOWN_TIMEOUT";
  public static final String SECRET_LABEL_SELECTOR = "SECRET_LABEL_SELECTOR";
  /** How long before the certificate in use expires a Warning event says so (cert-manager's renewBefore is 1/3). */
  public static final String EXPIRY_WARNING = "EXPIRY_WARNING";
  /** How long an upload that Graph's reads do not show yet keeps the operator from posting it again. */
  public static final String UPLOAD_SETTLE_WINDOW = "UPLOAD_SETTLE_WINDOW";
  /**
   * {@code true} lets credentials Secrets use {@code workloadIdentity: "true"}: the operator's own service account
   * token, which every namespace can name. Off by default (issue 12).
   */
  public static final String ALLOW_SHARED_WORKLOAD_IDENTITY = "ALLOW_SHARED_WORKLOAD_IDENTITY";
  /** The longest one Graph call may take, connect to last byte (waiting for a traffic permit is not part of it). */
  public static final String GRAPH_CALL_TIMEOUT = "GRAPH_CALL_TIMEOUT";
  public static final String LEADER_ELECTION_LEASE_DURATION = "LEADER_ELECTION_LEASE_DURATION";
  public static final String LEADER_ELECTION_RENEW_DEADLINE = "LEADER_ELECTION_RENEW_DEADLINE";
  public static final String LEADER_ELECTION_RETRY_PERIOD = "LEADER_ELECTION_RETRY_PERIOD";

  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
  private static final Pattern SHORT_DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)$");
  private static final Pattern NAMESPACE = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");

  /**
   * Leader election on a coordination.k8s.io Lease: only the holder reconciles. Lease 40 s, renew deadline 10 s,
   * retry 2 s by default: longer than JOSDK's 15 s lease, because a replica that has lost the Lease learns it only at
   * its renew deadline and may still finish an upload it had started, so the Lease must outlast the renew deadline
   * plus a whole upload (see {@link #checkLeaseOutlastsAnUpload}). Tests shorten them with {@link #withTimings}.
   */
  public record LeaderElection(String leaseName, String leaseNamespace, Duration leaseDuration,
      Duration renewDeadline, Duration retryPeriod) {

    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(40);
    public static final Duration DEFAULT_RENEW_DEADLINE = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_PERIOD = Duration.ofSeconds(2);

    public LeaderElection(String leaseName, String leaseNamespace) {
      this(leaseName, leaseNamespace, DEFAULT_LEASE_DURATION, DEFAULT_RENEW_DEADLINE, DEFAULT_RETRY_PERIOD);
    }

    public LeaderElection withTimings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
      return new LeaderElection(leaseName, leaseNamespace, leaseDuration, renewDeadline, retryPeriod);
    }
  }

  /** Thrown for bad configuration; its message is the one line to print. */
  public static final class InvalidConfigException extends RuntimeException {
    public InvalidConfigException(String message) {
      super(message);
    }
  }

  /**
   * Where a resource's calls go: its cloud (or the operator's), that cloud's hosts unless GRAPH_ENDPOINT or
   * AZURE_AUTHORITY_HOST override them, and its API version (or the operator's).
   */
  public GraphTarget target(Optional<Cloud> resourceCloud, Optional<String> resourceApiVersion) {
    var chosen = resourceCloud.orElse(cloud);
    return new GraphTarget(chosen,
        graphEndpointOverride.orElse(chosen.graphEndpoint()),
        authorityHostOverride.orElse(chosen.authorityHost()),
        resourceApiVersion.orElse(graphApiVersion));
  }

  /** The operator's default target, for resources that choose neither cloud nor version. */
  public GraphTarget defaultTarget() {
    return target(Optional.empty(), Optional.empty());
  }

  /** This configuration with other leader election settings (tests: two instances, short timings). */
  public OperatorConfig withLeaderElection(Optional<LeaderElection> settings) {
    return new OperatorConfig(cloud, graphEndpointOverride, authorityHostOverride, graphApiVersion, federatedTokenFile,
        watchNamespaces, resyncInterval, httpPort, instanceName, settings, shutdownTimeout, secretLabelSelector,
        graphMaxConcurrency, graphRateLimit, expiryWarning, uploadSettleWindow, allowSharedWorkloadIdentity,
        graphCallTimeout, graphWriteRateLimit);
  }

  /** The Graph budget of each (cloud, tenant, application): {@code GRAPH_RATE_LIMIT}, {@code GRAPH_WRITE_RATE_LIMIT}. */
  public GraphTraffic.Budget graphBudget() {
    return GraphTraffic.Budget.of(graphRateLimit, graphWriteRateLimit);
  }

  /**
   * A replica that has lost the Lease may go on for its renew deadline before it knows, and an upload it started
   * just before then (read, encode, post, each within its call timeout) may land later still. The next leader may
   * start when the Lease expires: refuse timings where that can come first.
   */
  static void checkLeaseOutlastsAnUpload(LeaderElection settings, Duration graphCallTimeout) {
    var worstCase = settings.renewDeadline().plus(graphCallTimeout.multipliedBy(2)).plus(UPLOAD_PREPARATION);
    if (settings.leaseDuration().compareTo(worstCase) <= 0) {
      throw new InvalidConfigException(LEADER_ELECTION_LEASE_DURATION + "=" + settings.leaseDuration().toSeconds()
          + "s must be longer than " + LEADER_ELECTION_RENEW_DEADLINE + " (" + settings.renewDeadline().toSeconds()
          + "s) + a read and an upload of " + GRAPH_CALL_TIMEOUT + " (" + graphCallTimeout.toMillis()
          + " ms each) + " + UPLOAD_PREPARATION.toSeconds() + "s to prepare the upload = " + worstCase.toMillis()
          + " ms: a replica that lost the Lease could still be uploading when the next leader starts");
    }
    if (settings.retryPeriod().compareTo(settings.renewDeadline()) >= 0) {
      throw new InvalidConfigException(LEADER_ELECTION_RETRY_PERIOD + " must be shorter than "
          + LEADER_ELECTION_RENEW_DEADLINE);
    }
  }

  public boolean watchesAllNamespaces() {
    return watchNamespaces.isEmpty();
  }

  public static OperatorConfig fromEnvironment(Map<String, String> env) {
    var cloudName = env.getOrDefault(GRAPH_CLOUD, "");
    var cloud = cloudName.isBlank() ? Cloud.AzurePublic : Cloud.parse(cloudName)
        .orElseThrow(() -> invalid(GRAPH_CLOUD, cloudName, "expected one of " + Cloud.names()));
    var tokenFile = env.getOrDefault(AZURE_FEDERATED_TOKEN_FILE, "");
    return new OperatorConfig(
        cloud,
        optionalUrl(GRAPH_ENDPOINT, env.getOrDefault(GRAPH_ENDPOINT, "")),
        optionalUrl(AZURE_AUTHORITY_HOST, env.getOrDefault(AZURE_AUTHORITY_HOST, "")),
        apiVersion(env.getOrDefault(GRAPH_API_VERSION, "")),
        tokenFile.isBlank() ? Optional.empty() : Optional.of(Path.of(tokenFile.trim())),
        namespaces(env.getOrDefault(WATCH_NAMESPACES, "")),
        duration(RESYNC_INTERVAL, env.getOrDefault(RESYNC_INTERVAL, ""), Duration.ofMinutes(10)),
        port(env.getOrDefault(HTTP_PORT, "")),
        env.getOrDefault(HOSTNAME, "").isBlank() ? "connector-cert-operator" : env.get(HOSTNAME).trim(),
        leaderElection(env),
        duration(SHUTDOWN_TIMEOUT, env.getOrDefault(SHUTDOWN_TIMEOUT, ""), Duration.ofSeconds(20)),
        labelSelector(env.getOrDefault(SECRET_LABEL_SELECTOR, "")),
        (int) positiveNumber(GRAPH_MAX_CONCURRENCY, env.getOrDefault(GRAPH_MAX_CONCURRENCY, ""), 8, true),
        positiveNumber(GRAPH_RATE_LIMIT, env.getOrDefault(GRAPH_RATE_LIMIT, ""), DEFAULT_GRAPH_RATE_LIMIT, false),
        duration(EXPIRY_WARNING, env.getOrDefault(EXPIRY_WARNING, ""), Duration.ofDays(14)),
        duration(UPLOAD_SETTLE_WINDOW, env.getOrDefault(UPLOAD_SETTLE_WINDOW, ""), Duration.ofMinutes(5)),
        flag(ALLOW_SHARED_WORKLOAD_IDENTITY, env.getOrDefault(ALLOW_SHARED_WORKLOAD_IDENTITY, "")),
        duration(GRAPH_CALL_TIMEOUT, env.getOrDefault(GRAPH_CALL_TIMEOUT, ""), Duration.ofSeconds(10)),
        positiveNumber(GRAPH_WRITE_RATE_LIMIT, env.getOrDefault(GRAPH_WRITE_RATE_LIMIT, ""),
            DEFAULT_GRAPH_WRITE_RATE_LIMIT, false));
  }

  static boolean flag(String variable, String value) {
    var trimmed = value.trim();
    if (trimmed.isEmpty() || trimmed.equalsIgnoreCase("false")) {
      return false;
    }
    if (trimmed.equalsIgnoreCase("true")) {
      return true;
    }
    throw invalid(variable, value, "expected true or false");
  }

  static Optional<LeaderElection> leaderElection(Map<String, String> env) {
    var enabled = env.getOrDefault(LEADER_ELECTION, "").trim();
    if (!enabled.isEmpty() && !enabled.equalsIgnoreCase("true") && !enabled.equalsIgnoreCase("false")) {
      throw invalid(LEADER_ELECTION, enabled, "expected true or false");
    }
    var leaseName = env.getOrDefault(LEADER_ELECTION_LEASE_NAME, "").trim();
    if (leaseName.isEmpty()) {
      leaseName = "connector-cert-operator";
    } else if (!DNS_SUBDOMAIN.matcher(leaseName).matches() || leaseName.length() > 253) {
      throw invalid(LEADER_ELECTION_LEASE_NAME, leaseName, "not a valid Lease name (lower-case DNS subdomain)");
    }
    var namespaceVariable = env.getOrDefault(LEADER_ELECTION_NAMESPACE, "").isBlank()
        ? POD_NAMESPACE : LEADER_ELECTION_NAMESPACE;
    var namespace = env.getOrDefault(namespaceVariable, "").trim();
    if (!namespace.isEmpty() && (!NAMESPACE.matcher(namespace).matches() || namespace.length() > 63)) {
      throw invalid(namespaceVariable, namespace, "not a namespace name");
    }
    if (!enabled.equalsIgnoreCase("true")) {
      return Optional.empty();
    }
    if (namespace.isEmpty()) {
      throw new InvalidConfigException(LEADER_ELECTION_NAMESPACE + " is not set (nor " + POD_NAMESPACE
          + "): LEADER_ELECTION=true needs the namespace of its Lease");
    }
    return Optional.of(new LeaderElection(leaseName, namespace,
        duration(LEADER_ELECTION_LEASE_DURATION, env.getOrDefault(LEADER_ELECTION_LEASE_DURATION, ""),
            LeaderElection.DEFAULT_LEASE_DURATION),
        duration(LEADER_ELECTION_RENEW_DEADLINE, env.getOrDefault(LEADER_ELECTION_RENEW_DEADLINE, ""),
            LeaderElection.DEFAULT_RENEW_DEADLINE),
        duration(LEADER_ELECTION_RETRY_PERIOD, env.getOrDefault(LEADER_ELECTION_RETRY_PERIOD, ""),
            LeaderElection.DEFAULT_RETRY_PERIOD)));
  }

  static Optional<String> labelSelector(String value) {
    if (value.isBlank()) {
      return Optional.empty();
    }
    return LabelSelectors.problem(value.trim())
        .<Optional<String>>map(why -> {
          throw invalid(SECRET_LABEL_SELECTOR, value, why);
        })
        .orElse(Optional.of(value.trim()));
  }

  static Optional<URI> optionalUrl(String variable, String value) {
    if (value.isBlank()) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(value.trim());
    } catch (IllegalArgumentException e) {
      throw invalid(variable, value, "not a URL");
    }
    if (uri.getScheme() == null || uri.getHost() == null
        || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()) && LOOPBACK.contains(uri.getHost()))) {
      throw invalid(variable, value, "expected an absolute https URL such as " + Cloud.AzurePublic.graphEndpoint()
          + " (plain http only on loopback, for tests)");
    }
    if (uri.getQuery() != null || uri.getFragment() != null || (uri.getPath() != null && uri.getPath().length() > 1)) {
      throw invalid(variable, value, "give the host only, without a path");
    }
    return Optional.of(URI.create(uri.getScheme() + "://" + uri.getRawAuthority()));
  }

  static String apiVersion(String value) {
    if (value.isBlank()) {
      return "beta";
    }
    if (!GraphConnectorCertificateClient.API_VERSIONS.contains(value.trim())) {
      throw invalid(GRAPH_API_VERSION, value, "expected beta or v1.0");
    }
    return value.trim();
  }

  public static Set<String> namespaces(String value) {
    var names = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
        .collect(Collectors.toCollection(java.util.TreeSet::new));
    for (var name : names) {
      if (!NAMESPACE.matcher(name).matches() || name.length() > 63) {
        throw invalid(WATCH_NAMESPACES, value, "'" + name + "' is not a namespace name");
      }
    }
    return Set.copyOf(names);
  }

  public static Duration duration(String variable, String value, Duration defaultValue) {
    if (value.isBlank()) {
      return defaultValue;
    }
    var trimmed = value.trim();
    Duration parsed;
    var shortForm = SHORT_DURATION.matcher(trimmed);
    if (shortForm.matches()) {
      var amount = Long.parseLong(shortForm.group(1));
      parsed = switch (shortForm.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } else {
      try {
        parsed = Duration.parse(trimmed);
      } catch (DateTimeParseException e) {
        throw invalid(variable, value, "expected an ISO-8601 duration (PT10M) or a number with ms, s, m, h or d (10m, 14d)");
      }
    }
    if (parsed.isNegative() || parsed.isZero()) {
      throw invalid(variable, value, "must be positive");
    }
    return parsed;
  }

  static double positiveNumber(String variable, String value, double defaultValue, boolean whole) {
    if (value.isBlank()) {
      return defaultValue;
    }
    try {
      var number = whole ? Integer.parseInt(value.trim()) : Double.parseDouble(value.trim());
      if (!(number > 0) || Double.isInfinite(number) || number > 100_000) {
        throw invalid(variable, value, "must be a positive number up to 100000");
      }
      return number;
    } catch (NumberFormatException e) {
      throw invalid(variable, value, whole ? "expected a whole number" : "expected a number (requests per second)");
    }
  }

  static int port(String value) {
    if (value.isBlank()) {
      return 8080;
    }
    try {
      var port = Integer.parseInt(value.trim());
      if (port < 0 || port > 65535) {
        throw invalid(HTTP_PORT, value, "expected a port from 0 to 65535");
      }
      return port;
    } catch (NumberFormatException e) {
      throw invalid(HTTP_PORT, value, "expected a port number");
    }
  }

  private static InvalidConfigException invalid(String variable, String value, String why) {
    var shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return new InvalidConfigException(variable + "=" + shown + ": " + why);
  }
}
