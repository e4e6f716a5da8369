package dev.procrastinate.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * The rate of a burn-down read from the jobs' own events, so that what happens before the first job
 * starts (a JVM's start, pgbench's connections) does not count: the jobs that succeeded over the
 * span from the first {@code started} event to the last {@code succeeded} one. Under lean event
 * recording, which writes no {@code started} event, the span runs from the first end to the last,
 * over the ends less one.
 *
 * @param ended the jobs that succeeded
 * @param rate jobs a second
 */
record EventSpan(long ended, double rate) {
  private static final String SPAN =
      """
      SELECT count(*) FILTER (WHERE e.type = 'succeeded') AS ended,
             extract(epoch FROM max(e.at) FILTER (WHERE e.type = 'succeeded')
                                - min(e.at) FILTER (WHERE e.type = 'started')) AS span,
             extract(epoch FROM max(e.at) FILTER (WHERE e.type = 'succeeded')
                                - min(e.at) FILTER (WHERE e.type = 'succeeded')) AS end_span
        FROM procrastinate_events AS e
        JOIN procrastinate_jobs AS j ON j.id = e.job_id
       WHERE ?::varchar IS NULL OR j.task_name = ?
      """;

  /**
   * Reads the span of the jobs of one task, or of every job.
   *
   * @param connection the connection
   * @param task the task, or null for every job
   * @return the jobs that succeeded and their rate
   * @throws SQLException if the query fails
   */
  static EventSpan of(Connection connection, @Nullable String task) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(SPAN)) {
      statement.setString(1, task);
      statement.setString(2, task);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        long ended = result.getLong("ended");
        double span = result.getDouble("span");
        if (!result.wasNull()) {
          return new EventSpan(ended, ended / span);
        }
        return new EventSpan(ended, (ended - 1) / result.getDouble("end_span"));
      }
    }
  }
}
