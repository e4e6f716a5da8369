package dev.procrastinate.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Python Procrastinate's workers as the database sees them: each client fetches one job with {@code
 * procrastinate_fetch_job_v2}, then ends it with {@code procrastinate_finish_job_v1}, one call
 * each, until nothing is left to fetch. The baseline of the worker benchmarks, and the neighbour
 * whose speed the Java schema must keep.
 */
final class UpstreamWorkers {
  private UpstreamWorkers() {}

  /**
   * Burns the waiting jobs down with upstream's statements.
   *
   * @param db the database
   * @param expected how many jobs wait, checked against how many were run
   * @param clients how many connections work at once
   * @throws Exception if a statement fails, or another count of jobs ran
   */
  static void burnDown(BenchDatabase db, int expected, int clients) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        done.add(pool.submit(() -> runUntilEmpty(db)));
      }
      int total = 0;
      for (Future<Integer> future : done) {
        total += future.get();
      }
      if (total != expected) {
        throw new IllegalStateException(
            "upstream's workers ran " + total + " of " + expected + " jobs");
      }
    } finally {
      pool.shutdown();
    }
  }

  private static int runUntilEmpty(BenchDatabase db) throws Exception {
    int n = 0;
    try (Connection connection = db.newConnection();
        PreparedStatement fetch =
            connection.prepareStatement("SELECT id FROM procrastinate_fetch_job_v2(NULL, NULL)");
        PreparedStatement finish =
            connection.prepareStatement(
                "SELECT procrastinate_finish_job_v1(?, 'succeeded', false)")) {
      while (true) {
        long id;
        try (ResultSet result = fetch.executeQuery()) {
          result.next();
          id = result.getLong(1);
          if (result.wasNull()) {
            return n;
          }
        }
        finish.setLong(1, id);
        finish.execute();
        n++;
      }
    }
  }
}
