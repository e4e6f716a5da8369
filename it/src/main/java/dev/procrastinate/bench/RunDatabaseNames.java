package dev.procrastinate.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of throw-away databases that belong to one run, so that two runs on one server (two builds,
 * a benchmark beside a build) never drop each other's: {@code <prefix>_r<epoch
 * seconds>_<pid>_<random>}. A run drops only its own database, and, before creating it, the
 * databases of its prefix whose name says they were made more than a day ago (left behind by a run
 * that was killed); never a younger one, which may belong to a live run.
 */
public final class RunDatabaseNames {
  /** How old a database of a prefix must be before another run may drop it as left behind. */
  static final Duration STALE = Duration.ofDays(1);

  private static final int MAX_IDENTIFIER = 63;

  private RunDatabaseNames() {}

  /**
   * Returns a new database name for this run.
   *
   * @param prefix a plain lowercase identifier, e.g. {@code pt_it_work_jobs}
   * @return the name, a plain identifier of at most 63 characters
   * @throws IllegalArgumentException if the prefix is not a plain identifier or too long
   */
  public static String unique(String prefix) {
    if (!prefix.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException("not a plain database name prefix: " + prefix);
    }
    String name =
        String.format(
            Locale.ROOT,
            "%s_r%d_%d_%04x",
            prefix,
            Instant.now().getEpochSecond(),
            ProcessHandle.current().pid(),
            ThreadLocalRandom.current().nextInt(0x10000));
    if (name.length() > MAX_IDENTIFIER) {
      throw new IllegalArgumentException(
          "prefix " + prefix + " leaves no room for the run's suffix in 63 characters");
    }
    return name;
  }

  /**
   * Drops the databases of a prefix that were made more than a day ago, by the time in their name.
   * Databases of the prefix without a run's suffix, and younger ones, are left alone.
   *
   * @param admin a connection to another database of the server
   * @param prefix the prefix given to {@link #unique}
   * @return the names dropped
   * @throws SQLException if PostgreSQL refuses
   */
  public static List<String> dropStale(Connection admin, String prefix) throws SQLException {
    Pattern own = Pattern.compile(Pattern.quote(prefix) + "_r(\\d+)_\\d+_[0-9a-f]{4}");
    long cutoff = Instant.now().minus(STALE).getEpochSecond();
    List<String> stale = new ArrayList<>();
    try (PreparedStatement list =
        admin.prepareStatement(
            "SELECT datname FROM pg_database WHERE starts_with(datname, ?) ORDER BY datname")) {
      list.setString(1, prefix + "_r");
      try (ResultSet result = list.executeQuery()) {
        while (result.next()) {
          String name = result.getString(1);
          Matcher matcher = own.matcher(name);
          if (matcher.matches() && Long.parseLong(matcher.group(1)) < cutoff) {
            stale.add(name);
          }
        }
      }
    }
    try (Statement statement = admin.createStatement()) {
      for (String name : stale) {
        statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
    return stale;
  }
}
