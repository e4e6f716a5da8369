package dev.procrastinate.internal.migrate;

/**
 * Upstream Procrastinate releases that added schema objects this runtime needs, oldest first. Not
 * API.
 */
public enum UpstreamLevel {
  /** Objects older than 3.0.0 (the 0.x to 2.x migrations). */
  BEFORE_3_0("2.x", "the migrations before 03.00.00"),
  /** 3.0.0: abort_requested, the {@code _v1} functions and triggers. */
  V3_0("3.0.0", "03.00.00_01_pre_cancel_notification.sql"),
  /** 3.1.0: workers table and heartbeats, {@code procrastinate_fetch_job_v2}. */
  V3_1("3.1.0", "03.01.00_01_pre_add_heartbeat.sql"),
  /** 3.2.0: batch defer. */
  V3_2("3.2.0", "03.02.00_01_pre_batch_defer_jobs.sql"),
  /** 3.4.0: manual retry of failed jobs; the level this runtime needs (unchanged up to 3.9). */
  V3_4("3.4.0", "03.04.00_01_pre_add_retry_failed_job_procedure.sql");

  private final String release;
  private final String migration;

  UpstreamLevel(String release, String migration) {
    this.release = release;
    this.migration = migration;
  }

  /**
   * Returns the upstream release.
   *
   * @return e.g. {@code 3.2.0}
   */
  public String release() {
    return release;
  }

  /**
   * Returns the upstream migration script that adds the objects.
   *
   * @return a file name in upstream's {@code procrastinate/sql/migrations}
   */
  public String migration() {
    return migration;
  }
}
