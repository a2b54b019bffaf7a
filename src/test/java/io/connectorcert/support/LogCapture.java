package io.connectorcert.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;

/**
 * Keeps every log line of the JVM (message, arguments and stack traces) so that tests can scan them for secrets.
 * Installed once per JVM on the root logger at the level asked for.
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> {

  private static final LogCapture INSTANCE = new LogCapture();
  private final List<String> lines = new CopyOnWriteArrayList<>();

  /** Captures from now on without changing any level: the suite-wide leak scan reads what every test logged. */
  public static synchronized LogCapture attach() {
    var root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (!INSTANCE.isStarted()) {
      INSTANCE.setContext(root.getLoggerContext());
      INSTANCE.start();
      root.addAppender(INSTANCE);
    }
    return INSTANCE;
  }

  public static synchronized LogCapture install(Level level) {
    var root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    if (!INSTANCE.isStarted()) {
      INSTANCE.setContext(root.getLoggerContext());
      INSTANCE.start();
      root.addAppender(INSTANCE);
    }
    root.setLevel(level);
    return INSTANCE;
  }

  @Override
  protected void append(ILoggingEvent event) {
    var text = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
    if (event.getThrowableProxy() != null) {
      text.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
    }
    lines.add(text.toString());
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }
}
