package io.connectorcert.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import io.connectorcert.certificate.CertificateRead.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Checks that a problem message leaks nothing of the input. */
final class ProblemMessages {

  private static final int WINDOW = 16;

  private ProblemMessages() {}

  /**
   * The message contains none of the passwords and no 16-character window of the input's base64, nor of the input
   * itself when it is text (a PEM body is base64 already).
   */
  static void assertLeaksNothing(Problem problem, byte[] input, String... passwords) {
    String message = problem.message();
    assertThat(message).isNotBlank();
    for (String password : passwords) {
      if (!password.isEmpty()) {
        assertThat(message).as("problem message must not contain a password").doesNotContain(password);
      }
    }
    if (input == null || input.length == 0) {
      return;
    }
    assertNoWindowOf(message, Base64.getEncoder().encodeToString(input));
    assertNoWindowOf(message, Base64.getUrlEncoder().encodeToString(input));
    assertNoWindowOf(message, new String(input, StandardCharsets.ISO_8859_1).replaceAll("\\s", ""));
  }

  private static void assertNoWindowOf(String message, String text) {
    // the message is short: checking each of its 16-char windows against the text is cheap even for a 1 MiB input
    for (int i = 0; i + WINDOW <= message.length(); i++) {
      String window = message.substring(i, i + WINDOW);
      assertThat(text.contains(window))
          .as("problem message contains a 16-character fragment of the input: <%s>", message)
          .isFalse();
    }
  }
}
