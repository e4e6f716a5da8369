package dev.procrastinate.testing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Small JDBC helpers for tests that drive the schema's functions directly. */
public final class Sql {
  private final DataSource dataSource;

  /**
   * Wraps a data source.
   *
   * @param dataSource the data source
   */
  public Sql(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Runs a query and returns the first column of every row as text.
   *
   * @param sql the query
   * @param params its parameters
   * @return the values
   * @throws SQLException if it fails
   */
  public List<String> column(String sql, Object... params) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      List<String> values = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          values.add(result.getString(1));
        }
      }
      return values;
    }
  }

  /**
   * Runs a query expected to return one value.
   *
   * @param sql the query
   * @param params its parameters
   * @return the value as text, possibly null
   * @throws SQLException if it fails
   */
  public String value(String sql, Object... params) throws SQLException {
    List<String> values = column(sql, params);
    if (values.size() != 1) {
      throw new AssertionError("expected one row from " + sql + ", got " + values);
    }
    return values.get(0);
  }

  /**
   * Runs a statement.
   *
   * @param sql the statement
   * @param params its parameters
   * @throws SQLException if it fails
   */
  public void execute(String sql, Object... params) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        statement.setObject(i + 1, params[i]);
      }
      statement.execute();
    }
  }

  /**
   * Fetches one job for a worker through {@code procrastinate_fetch_job_v2}.
   *
   * @param workerId the worker id, or null
   * @return the fetched job id, or null when nothing is runnable
   * @throws SQLException if it fails
   */
  public Long fetch(Long workerId) throws SQLException {
    String id = value("SELECT id FROM procrastinate_fetch_job_v2(NULL, ?)", workerId);
    return id == null ? null : Long.valueOf(id);
  }

  /**
   * Finishes a job through {@code procrastinate_finish_job_v1}.
   *
   * @param id the job id
   * @param status succeeded, failed or aborted
   * @throws SQLException if it fails
   */
  public void finish(long id, String status) throws SQLException {
    execute(
        "SELECT procrastinate_finish_job_v1(?, ?::procrastinate_job_status, false)", id, status);
  }

  /**
   * Lists the event types of a job, oldest first.
   *
   * @param id the job id
   * @return the event types
   * @throws SQLException if it fails
   */
  public List<String> events(long id) throws SQLException {
    return column("SELECT type::text FROM procrastinate_events WHERE job_id = ? ORDER BY id", id);
  }
}
