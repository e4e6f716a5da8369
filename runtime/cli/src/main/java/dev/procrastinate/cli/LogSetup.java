package dev.procrastinate.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Map;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The command line's logging, through logback: one line per event on standard error, {@code <time>
 * <LEVEL> <logger> - <message>}, written as it happens (nothing is buffered, so a crash loses no
 * line). Each caller formats its own line, the time included, without a lock; only the write to
 * standard error is serialized. A worker's executor threads log two lines per job, and with a
 * logger that formats under a global lock (slf4j-simple formats each line's time under one lock and
 * writes it under another) they queue for each other: see the performance page.
 *
 * <p>A logback configuration of the user's ({@code -Dlogback.configurationFile=...}) is left as it
 * is, and so is another SLF4J backend, when the command line's classes run beside one.
 */
final class LogSetup {
  private LogSetup() {}

  /** The format of a line; the time in the machine's zone, with its offset. */
  static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %level %logger - %msg%n";

  /**
   * Configures logging, unless the user's logback configuration or another backend is in place.
   *
   * @param rootLevel the level of every logger not named in {@code levels}
   * @param levels levels of named loggers
   */
  static void configure(Level rootLevel, Map<String, Level> levels) {
    if (System.getProperty("logback.configurationFile") != null) {
      return;
    }
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return;
    }
    context.reset();

    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();

    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("stderr");
    console.setTarget("System.err");
    console.setEncoder(encoder);
    console.start();

    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(rootLevel);
    root.addAppender(console);
    levels.forEach((name, level) -> context.getLogger(name).setLevel(level));
  }
}
