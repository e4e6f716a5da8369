package dev.procrastinate.internal.inline;

import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.internal.sql.JobDao;
import dev.procrastinate.internal.worker.CallerThreadRunner;
import dev.procrastinate.model.JobStatus;
import dev.procrastinate.model.ProcrastinateJob;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Runs the jobs of an inline app: each deferred job runs at once on the caller's thread, once,
 * whatever its task's retry policy, and a failure is thrown to the caller. Ids come from a counter.
 * Thread-safe. Not API.
 */
public final class InlineJobs {
  /**
   * The data source of an inline app: it has no database, and says so to whatever asks for a
   * connection (a job query, a worker, a migration).
   */
  public static final DataSource NO_DATABASE = new NoDatabase();

  private final Supplier<CallerThreadRunner> runnerFactory;
  private final AtomicLong ids = new AtomicLong();
  private volatile @Nullable CallerThreadRunner runner;

  /**
   * Creates the inline jobs of an app.
   *
   * @param runnerFactory makes the runner on first use (the app's registry loads lazily)
   */
  public InlineJobs(Supplier<CallerThreadRunner> runnerFactory) {
    this.runnerFactory = Objects.requireNonNull(runnerFactory, "runnerFactory");
  }

  /**
   * Runs a deferred job now, on this thread.
   *
   * @param row the job, its arguments already written as JSON
   * @return the job's id, from a counter starting at 1
   * @throws RuntimeException the task's own unchecked exception or error if it failed, or a {@link
   *     ProcrastinateException} wrapping a checked one, or saying how the job ended otherwise
   */
  public long run(JobDao.Row row) {
    long id = ids.incrementAndGet();
    ProcrastinateJob job =
        new ProcrastinateJob(
            id,
            row.queue(),
            row.taskName(),
            row.priority(),
            row.lock(),
            row.queueingLock(),
            row.argsJson(),
            JobStatus.DOING,
            row.scheduledAt(),
            0,
            false,
            null);
    CallerThreadRunner.Outcome outcome = runner().run(job, Map.of());
    if (outcome.status() == JobStatus.SUCCEEDED) {
      return id;
    }
    Throwable failure = outcome.failure();
    if (failure instanceof RuntimeException unchecked) {
      throw unchecked;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    String ended = outcome.status() == null ? "failed" : outcome.status().dbValue();
    String message = "inline job " + id + " of task '" + row.taskName() + "' " + ended;
    throw failure == null
        ? new ProcrastinateException(message)
        : new ProcrastinateException(message + ": " + failure, failure);
  }

  private CallerThreadRunner runner() {
    CallerThreadRunner current = runner;
    if (current == null) {
      synchronized (this) {
        current = runner;
        if (current == null) {
          current = runnerFactory.get();
          runner = current;
        }
      }
    }
    return current;
  }

  private static final class NoDatabase implements DataSource {
    private static final String MESSAGE =
        "this app runs jobs inline (App.Builder#inline()) and has no database; build the app with"
            + " dataSource(...) or config(...) to query, work or migrate jobs";

    @Override
    public Connection getConnection() throws SQLException {
      throw new SQLException(MESSAGE, "08001");
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      throw new SQLException(MESSAGE, "08001");
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(@Nullable PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
      throw new SQLFeatureNotSupportedException(MESSAGE);
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
      throw new SQLException(MESSAGE);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
      return false;
    }
  }
}
