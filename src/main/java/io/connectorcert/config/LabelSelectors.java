package io.connectorcert.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a label selector string (the {@code -l} of kubectl) at start-up, so that a typo fails fast instead of
 * becoming a 400 from every list and watch of the Secret informer.
 */
final class LabelSelectors {

  private static final String NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?";
  private static final String PREFIX = "[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/";
  private static final String KEY = "(" + PREFIX + ")?" + NAME;
  private static final String VALUE = "(" + NAME + ")?";
  private static final Pattern EXISTS = Pattern.compile("^!?\\s*" + KEY + "$");
  private static final Pattern EQUALITY = Pattern.compile("^" + KEY + "\\s*(=|==|!=)\\s*" + VALUE + "$");
  private static final Pattern ORDER = Pattern.compile("^" + KEY + "\\s*(<|>)\\s*-?\\d+$");
  private static final Pattern SET = Pattern.compile(
      "^" + KEY + "\\s+(in|notin)\\s*\\(\\s*" + VALUE + "(\\s*,\\s*" + VALUE + ")*\\s*\\)$");

  private LabelSelectors() {}

  /** Why {@code selector} is not a label selector, or empty when it is one. */
  static Optional<String> problem(String selector) {
    var requirements = split(selector);
    if (requirements.isEmpty()) {
      return Optional.of("unbalanced parentheses");
    }
    for (var requirement : requirements) {
      var r = requirement.trim();
      if (r.isEmpty()) {
        return Optional.of("empty requirement between commas");
      }
      if (!(EXISTS.matcher(r).matches() || EQUALITY.matcher(r).matches() || ORDER.matcher(r).matches()
          || SET.matcher(r).matches())) {
        return Optional.of("'" + r + "' is not a label requirement (key, !key, key=value, key!=value,"
            + " key in (a,b), key notin (a,b))");
      }
    }
    return Optional.empty();
  }

  /** Splits at the commas outside parentheses; empty when the parentheses do not balance. */
  private static List<String> split(String selector) {
    var parts = new ArrayList<String>();
    var depth = 0;
    var start = 0;
    for (var i = 0; i < selector.length(); i++) {
      var c = selector.charAt(i);
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == ',' && depth == 0) {
        parts.add(selector.substring(start, i));
        start = i + 1;
      }
      if (depth < 0 || depth > 1) {
        return List.of();
      }
    }
    if (depth != 0) {
      return List.of();
    }
    parts.add(selector.substring(start));
    return parts;
  }
}
