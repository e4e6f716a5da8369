package dev.procrastinate.internal.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.testing.Catalog;
import dev.procrastinate.testing.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The migrated catalog equals the contract, object by object. */
class CatalogTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @Test
  void migratedCatalogMatchesTheContract() throws Exception {
    try (Connection connection = DB.dataSource().getConnection()) {
      assertThat(Catalog.describe(connection)).containsExactlyElementsOf(Catalog.expected());
    }
  }

  @Test
  void theEighteenContractFunctionsAndOurBatchFetchesExist() throws Exception {
    List<String> functions = new ArrayList<>();
    try (Connection connection = DB.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT proname FROM pg_proc WHERE pronamespace = current_schema()::regnamespace"
                    + " AND proname LIKE 'procrastinate%' ORDER BY proname")) {
      while (result.next()) {
        functions.add(result.getString(1));
      }
    }
    assertThat(functions)
        .containsExactly(
            "procrastinate_cancel_job_v1",
            "procrastinate_defer_jobs_v1",
            "procrastinate_defer_periodic_job_v2",
            "procrastinate_fetch_job_v2",
            "procrastinate_finish_job_v1",
            "procrastinate_java_choose_jobs_v1",
            "procrastinate_java_fetch_jobs_v1",
            "procrastinate_java_fetch_jobs_v2",
            "procrastinate_java_fetch_jobs_v3",
            "procrastinate_java_fetch_jobs_v4",
            "procrastinate_java_next_rate_start_v1",
            "procrastinate_java_next_rate_start_v2",
            "procrastinate_java_notify_flow_controls_v1",
            "procrastinate_java_rate_step_v1",
            "procrastinate_java_set_event_recording_v1",
            "procrastinate_java_status_events_lean_v1",
            "procrastinate_java_take_jobs_v1",
            "procrastinate_java_workflow_cancel_after_v1",
            "procrastinate_java_workflow_ended_v1",
            "procrastinate_java_workflow_job_ended_v1",
            "procrastinate_java_workflow_release_v1",
            "procrastinate_notify_queue_abort_job_v1",
            "procrastinate_notify_queue_job_inserted_v1",
            "procrastinate_prune_stalled_workers_v1",
            "procrastinate_register_worker_v1",
            "procrastinate_retry_job_v1",
            "procrastinate_retry_job_v2",
            "procrastinate_trigger_abort_requested_events_procedure_v1",
            "procrastinate_trigger_function_scheduled_events_v1",
            "procrastinate_trigger_function_status_events_insert_v1",
            "procrastinate_trigger_function_status_events_update_v1",
            "procrastinate_unlink_periodic_defers_v1",
            "procrastinate_unregister_worker_v1",
            "procrastinate_update_heartbeat_v1");
  }

  @Test
  void historyTableRecordsTheAppliedVersion() throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection connection = DB.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT version, description, success FROM procrastinate_schema_history"
                    + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
      while (result.next()) {
        rows.add(
            result.getString("version")
                + " "
                + result.getString("description")
                + " "
                + result.getBoolean("success"));
      }
    }
    assertThat(rows).contains("1 procrastinate 3 9 schema true");
    assertThat(DB.app().schemaManager().currentVersion()).isEqualTo(lastVersion(rows));
    assertThat(DB.app().schemaManager().pendingVersions()).isEmpty();
  }

  private static String lastVersion(List<String> rows) {
    return rows.get(rows.size() - 1).split(" ")[0];
  }

  @Test
  void inspectorFindsEveryContractObjectAfterMigration() throws Exception {
    try (Connection connection = DB.dataSource().getConnection()) {
      SchemaInspector.Assessment assessment =
          SchemaInspector.assess(SchemaInspector.presentObjects(connection));
      assertThat(assessment.missing()).isEmpty();
      assertThat(assessment.kind()).isEqualTo(SchemaInspector.Assessment.Kind.COMPLETE);
    }
  }
}
