package io.connectorcert.support;

import java.util.List;

import io.connectorcert.standin.RecordedRequest;

/** How fast the operator talked to the Graph stand-in. */
public final class RequestRate {

  private RequestRate() {}

  /** The most requests that arrived within any one second. */
  public static int peakPerSecond(List<RecordedRequest> requests) {
    var times = requests.stream().map(RecordedRequest::time).sorted().toList();
    int peak = 0;
    int start = 0;
    for (int end = 0; end < times.size(); end++) {
      var windowStart = times.get(end).minusSeconds(1);
      while (!times.get(start).isAfter(windowStart)) {
        start++;
      }
      peak = Math.max(peak, end - start + 1);
    }
    return peak;
  }
}
