package dev.procrastinate.internal.await;

import dev.procrastinate.ProcrastinateException;
import dev.procrastinate.internal.sql.Database;
import dev.procrastinate.internal.sql.PromptNotifications;
import dev.procrastinate.internal.sql.QueryDao;
import dev.procrastinate.model.ProcrastinateJob;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiters of an app for jobs to end, sharing one listening connection (see the package
 * comment). Thread-safe. Not API.
 */
public final class JobWaiters implements AutoCloseable {
  /** The channel the outcome statements notify when they end jobs. */
  public static final String CHANNEL = "procrastinate_java_jobs_ended_v1";

  /** How often the thread looks while anyone waits, for jobs whose end notified nothing. */
  public static final long CHECK_MILLIS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger("procrastinate.await");
  private static final long CONNECT_WAIT_SECONDS = 30;

  private final Database database;
  private final long checkMillis;
  private final QueryDao queries = new QueryDao();
  private final Map<Long, List<CompletableFuture<Optional<ProcrastinateJob>>>> waiting =
      new ConcurrentHashMap<>();
  private final CountDownLatch listening = new CountDownLatch(1);
  private volatile @Nullable Connection connection;
  private volatile @Nullable PromptNotifications prompt;
  private volatile @Nullable Thread thread;
  private volatile boolean closed;

  /** When the thread last looked, on the nano clock; read and written on its thread only. */
  private long lastCheck = System.nanoTime();

  /**
   * Creates the waiters; the thread starts at the first wait.
   *
   * @param database the app's database
   */
  public JobWaiters(Database database) {
    this(database, CHECK_MILLIS);
  }

  /**
   * Creates the waiters with another interval of the safety look, as tests do to show that a
   * notification, not the look, wakes a waiter.
   *
   * @param database the app's database
   * @param checkMillis how often the thread looks while anyone waits
   */
  public JobWaiters(Database database, long checkMillis) {
    this.database = database;
    this.checkMillis = checkMillis;
  }

  /**
   * Waits for a job to end: the future completes with the job once its status is neither {@code
   * todo} nor {@code doing}, or with empty once it no longer exists (deleted when it ended, by a
   * delete policy, or by hand).
   *
   * @param id the job
   * @return the future; cancel it, or let a timeout complete it, to stop waiting
   * @throws ProcrastinateException if the listening connection cannot be opened, or the app closed
   */
  public CompletableFuture<Optional<ProcrastinateJob>> await(long id) {
    if (closed) {
      throw new ProcrastinateException("the app is closed: no job can be waited for");
    }
    CompletableFuture<Optional<ProcrastinateJob>> future = new CompletableFuture<>();
    // Added inside compute, as forget removes inside computeIfPresent: a waiter is never added to a
    // list that its last other waiter's end just took out of the map.
    waiting.compute(
        id,
        (k, futures) -> {
          List<CompletableFuture<Optional<ProcrastinateJob>>> kept =
              futures == null ? new CopyOnWriteArrayList<>() : futures;
          kept.add(future);
          return kept;
        });
    future.whenComplete((job, failure) -> forget(id, future));
    startListening();
    // Listening now: an end committed from here on notifies; one committed before is read here.
    database.withConnection(
        "reading whether job " + id + " has ended",
        c -> {
          complete(queries.listEnded(c, new long[] {id}));
          return null;
        });
    return future;
  }

  private void forget(long id, CompletableFuture<Optional<ProcrastinateJob>> future) {
    waiting.computeIfPresent(
        id,
        (k, futures) -> {
          futures.remove(future);
          return futures.isEmpty() ? null : futures;
        });
  }

  private void complete(List<QueryDao.Ended> ended) {
    for (QueryDao.Ended end : ended) {
      List<CompletableFuture<Optional<ProcrastinateJob>>> futures = waiting.get(end.id());
      if (futures != null) {
        for (CompletableFuture<Optional<ProcrastinateJob>> future : futures) {
          future.complete(Optional.ofNullable(end.job()));
        }
      }
    }
  }

  /** Starts the thread once, and waits until it listens. */
  private void startListening() {
    if (thread == null) {
      synchronized (this) {
        if (thread == null) {
          Thread started = new Thread(this::run, "procrastinate-waiters");
          started.setDaemon(true);
          started.start();
          thread = started;
        }
      }
    }
    try {
      if (!listening.await(CONNECT_WAIT_SECONDS, TimeUnit.SECONDS)) {
        throw new ProcrastinateException(
            "cannot wait for jobs: no connection to listen on "
                + CHANNEL
                + " could be opened in "
                + CONNECT_WAIT_SECONDS
                + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProcrastinateException("interrupted while starting to wait for jobs", e);
    }
  }

  private void run() {
    int failures = 0;
    while (!closed) {
      Connection current = connection;
      try {
        if (current == null) {
          current = connect();
          connection = current;
          listening.countDown();
          failures = 0;
          // Ends committed while no connection listened notified nobody.
          checkAll();
          continue;
        }
        var notifications =
            current
                .unwrap(org.postgresql.PGConnection.class)
                .getNotifications((int) Math.min(Integer.MAX_VALUE, checkMillis));
        if (closed) {
          break;
        }
        boolean notified = notifications != null && notifications.length > 0;
        if (notified
            || System.nanoTime() - lastCheck >= TimeUnit.MILLISECONDS.toNanos(checkMillis)) {
          checkAll();
        }
      } catch (SQLException | RuntimeException e) {
        if (closed) {
          break;
        }
        if (failures++ == 0) {
          LOG.warn(
              "lost the connection that waits for jobs to end, trying again: {}", e.getMessage());
        }
        closeQuietly(current);
        connection = null;
        sleep(Math.min(5_000, 100L << Math.min(failures, 6)));
      }
    }
    closeQuietly(connection);
    connection = null;
  }

  private Connection connect() throws SQLException {
    Connection opened = database.dataSource().getConnection();
    try {
      opened.setAutoCommit(true);
      try (Statement statement = opened.createStatement()) {
        statement.execute("LISTEN " + CHANNEL);
      }
      prompt = PromptNotifications.apply(opened);
      return opened;
    } catch (SQLException | RuntimeException e) {
      closeQuietly(opened);
      throw e;
    }
  }

  /**
   * Reads which of the awaited jobs have ended, on a pooled connection: the listening one only
   * listens, so that {@code pg_stat_activity} shows it as the app's one {@code LISTEN}.
   */
  private void checkAll() {
    lastCheck = System.nanoTime();
    if (waiting.isEmpty()) {
      return;
    }
    long[] ids = waiting.keySet().stream().mapToLong(Long::longValue).toArray();
    database.withConnection(
        "reading whether awaited jobs have ended",
        c -> {
          complete(queries.listEnded(c, ids));
          return null;
        });
  }

  private void closeQuietly(@Nullable Connection closing) {
    if (closing == null) {
      return;
    }
    PromptNotifications change = prompt;
    if (change != null) {
      change.undo();
      prompt = null;
    }
    try {
      try (Statement statement = closing.createStatement()) {
        statement.execute("UNLISTEN *");
      }
    } catch (SQLException | RuntimeException e) {
      LOG.debug("cannot UNLISTEN before closing: {}", e.getMessage());
    }
    try {
      closing.close();
    } catch (SQLException e) {
      LOG.debug("cannot close the waiting connection: {}", e.getMessage());
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops waiting: the thread ends (at once, woken by a notification; at most 5 s later when the
   * database does not answer) and gives its connection back, then every waiter still waiting fails.
   */
  @Override
  public void close() {
    closed = true;
    if (thread != null) {
      try {
        database.withConnection(
            "waking the waiting thread",
            c -> {
              try (Statement statement = c.createStatement()) {
                statement.execute("NOTIFY " + CHANNEL);
              }
              return null;
            });
      } catch (RuntimeException e) {
        LOG.debug("cannot wake the waiting thread; it ends after its read: {}", e.getMessage());
      }
    }
    Thread running = thread;
    if (running != null && running != Thread.currentThread()) {
      // Its connection goes back to the pool before the pool may close with the app.
      try {
        running.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (List<CompletableFuture<Optional<ProcrastinateJob>>> futures : waiting.values()) {
      for (CompletableFuture<Optional<ProcrastinateJob>> future : futures) {
        future.completeExceptionally(
            new ProcrastinateException("the app closed while waiting for the job to end"));
      }
    }
  }
}
