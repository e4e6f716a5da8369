package dev.procrastinate.internal.migrate;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads which objects of the Procrastinate contract exist in the connection's current schema, and
 * tells the upstream level they make up. Not API.
 */
public final class SchemaInspector {
  /** The contract's objects, each with the upstream release that added it. */
  static final Map<String, UpstreamLevel> EXPECTED = expected();

  /**
   * The contract objects this runtime neither calls nor relies on: Python workers' own functions
   * ({@code procrastinate_fetch_job_v2}, {@code procrastinate_finish_job_v1}, the older {@code
   * procrastinate_retry_job_v1}), the functions behind the triggers (the runtime relies on what the
   * triggers do, and demands the triggers), and the indexes that only speed queries up. A schema
   * without some of them is still one this runtime works with: a later upstream migration may
   * replace them. Every other object of {@link #EXPECTED} is called by name from the runtime's SQL,
   * read or written by it, or, for the triggers, does what it relies on (events, notifications, the
   * unlinking of periodic defers when a job is deleted); the queueing-lock index is named by the
   * runtime, which recognises a queueing-lock clash by it.
   */
  static final Set<String> NOT_USED =
      Set.of(
          "function procrastinate_fetch_job_v2",
          "function procrastinate_finish_job_v1",
          "function procrastinate_retry_job_v1",
          "function procrastinate_notify_queue_job_inserted_v1",
          "function procrastinate_notify_queue_abort_job_v1",
          "function procrastinate_trigger_function_status_events_insert_v1",
          "function procrastinate_trigger_function_status_events_update_v1",
          "function procrastinate_trigger_function_scheduled_events_v1",
          "function procrastinate_trigger_abort_requested_events_procedure_v1",
          "function procrastinate_unlink_periodic_defers_v1",
          "index procrastinate_jobs_lock_idx_v1",
          "index procrastinate_jobs_queue_name_idx_v1",
          "index procrastinate_jobs_id_lock_idx_v1",
          "index procrastinate_jobs_priority_idx_v1",
          "index procrastinate_events_job_id_fkey_v1",
          "index procrastinate_periodic_defers_job_id_fkey_v1",
          "index idx_procrastinate_jobs_worker_not_null",
          "index idx_procrastinate_workers_last_heartbeat");

  /**
   * Tells whether the runtime needs a contract object.
   *
   * @param name the object, as {@code kind name}
   * @return whether a schema without it is refused
   */
  static boolean required(String name) {
    return !NOT_USED.contains(name);
  }

  /**
   * Lists the contract objects as {@code kind name}, with the release that adds each. Column,
   * function and enum-value names are precise enough to tell levels apart; the full catalog is
   * checked by the schema tests.
   */
  private static Map<String, UpstreamLevel> expected() {
    Map<String, UpstreamLevel> map = new LinkedHashMap<>();
    UpstreamLevel base = UpstreamLevel.BEFORE_3_0;
    for (String type : List.of("procrastinate_job_status", "procrastinate_job_event_type")) {
      map.put("type " + type, base);
    }
    map.put("type procrastinate_job_to_defer_v1", UpstreamLevel.V3_2);
    map.put("enum procrastinate_job_event_type.retried", UpstreamLevel.V3_4);
    for (String table :
        List.of("procrastinate_jobs", "procrastinate_events", "procrastinate_periodic_defers")) {
      map.put("table " + table, base);
    }
    map.put("table procrastinate_workers", UpstreamLevel.V3_1);
    for (String column :
        List.of(
            "procrastinate_jobs.id",
            "procrastinate_jobs.queue_name",
            "procrastinate_jobs.task_name",
            "procrastinate_jobs.priority",
            "procrastinate_jobs.lock",
            "procrastinate_jobs.queueing_lock",
            "procrastinate_jobs.args",
            "procrastinate_jobs.status",
            "procrastinate_jobs.scheduled_at",
            "procrastinate_jobs.attempts",
            "procrastinate_events.id",
            "procrastinate_events.job_id",
            "procrastinate_events.type",
            "procrastinate_events.at",
            "procrastinate_periodic_defers.id",
            "procrastinate_periodic_defers.task_name",
            "procrastinate_periodic_defers.defer_timestamp",
            "procrastinate_periodic_defers.job_id",
            "procrastinate_periodic_defers.periodic_id")) {
      map.put("column " + column, base);
    }
    map.put("column procrastinate_jobs.abort_requested", UpstreamLevel.V3_0);
    map.put("column procrastinate_jobs.worker_id", UpstreamLevel.V3_1);
    map.put("column procrastinate_workers.id", UpstreamLevel.V3_1);
    map.put("column procrastinate_workers.last_heartbeat", UpstreamLevel.V3_1);
    for (String function :
        List.of(
            "procrastinate_finish_job_v1",
            "procrastinate_cancel_job_v1",
            "procrastinate_retry_job_v1",
            "procrastinate_notify_queue_job_inserted_v1",
            "procrastinate_notify_queue_abort_job_v1",
            "procrastinate_trigger_function_status_events_insert_v1",
            "procrastinate_trigger_function_status_events_update_v1",
            "procrastinate_trigger_function_scheduled_events_v1",
            "procrastinate_trigger_abort_requested_events_procedure_v1",
            "procrastinate_unlink_periodic_defers_v1")) {
      map.put("function " + function, UpstreamLevel.V3_0);
    }
    for (String function :
        List.of(
            "procrastinate_fetch_job_v2",
            "procrastinate_register_worker_v1",
            "procrastinate_unregister_worker_v1",
            "procrastinate_update_heartbeat_v1",
            "procrastinate_prune_stalled_workers_v1")) {
      map.put("function " + function, UpstreamLevel.V3_1);
    }
    map.put("function procrastinate_defer_jobs_v1", UpstreamLevel.V3_2);
    map.put("function procrastinate_defer_periodic_job_v2", UpstreamLevel.V3_2);
    map.put("function procrastinate_retry_job_v2", UpstreamLevel.V3_4);
    for (String trigger :
        List.of(
            "procrastinate_jobs_notify_queue_job_inserted_v1",
            "procrastinate_jobs_notify_queue_job_aborted_v1",
            "procrastinate_trigger_status_events_insert_v1",
            "procrastinate_trigger_status_events_update_v1",
            "procrastinate_trigger_scheduled_events_v1",
            "procrastinate_trigger_abort_requested_events_v1",
            "procrastinate_trigger_delete_jobs_v1")) {
      map.put("trigger " + trigger, UpstreamLevel.V3_0);
    }
    for (String index :
        List.of(
            "procrastinate_jobs_queueing_lock_idx_v1",
            "procrastinate_jobs_lock_idx_v1",
            "procrastinate_jobs_queue_name_idx_v1",
            "procrastinate_jobs_id_lock_idx_v1",
            "procrastinate_jobs_priority_idx_v1",
            "procrastinate_events_job_id_fkey_v1",
            "procrastinate_periodic_defers_job_id_fkey_v1")) {
      map.put("index " + index, UpstreamLevel.V3_0);
    }
    map.put("index idx_procrastinate_jobs_worker_not_null", UpstreamLevel.V3_1);
    map.put("index idx_procrastinate_workers_last_heartbeat", UpstreamLevel.V3_1);
    return map;
  }

  private static final String PRESENT_OBJECTS =
      """
      SELECT 'type ' || t.typname
        FROM pg_type t
       WHERE t.typnamespace = quote_ident(current_schema())::regnamespace
         AND t.typname LIKE 'procrastinate%' AND t.typtype IN ('e', 'c')
         AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.reltype = t.oid AND c.relkind <> 'c')
      UNION ALL
      SELECT 'enum ' || t.typname || '.' || e.enumlabel
        FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
       WHERE t.typnamespace = quote_ident(current_schema())::regnamespace
         AND t.typname LIKE 'procrastinate%'
      UNION ALL
      SELECT 'table ' || c.relname
        FROM pg_class c
       WHERE c.relnamespace = quote_ident(current_schema())::regnamespace
         AND c.relkind IN ('r', 'p') AND c.relname LIKE 'procrastinate%'
      UNION ALL
      SELECT 'column ' || c.relname || '.' || a.attname
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
       WHERE c.relnamespace = quote_ident(current_schema())::regnamespace
         AND c.relkind IN ('r', 'p') AND c.relname LIKE 'procrastinate%'
         AND a.attnum > 0 AND NOT a.attisdropped
      UNION ALL
      SELECT DISTINCT 'function ' || p.proname
        FROM pg_proc p
       WHERE p.pronamespace = quote_ident(current_schema())::regnamespace
         AND p.proname LIKE 'procrastinate%'
      UNION ALL
      SELECT 'trigger ' || tg.tgname
        FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid
       WHERE c.relnamespace = quote_ident(current_schema())::regnamespace
         AND NOT tg.tgisinternal AND c.relname LIKE 'procrastinate%'
      UNION ALL
      SELECT 'index ' || c.relname
        FROM pg_class c
       WHERE c.relnamespace = quote_ident(current_schema())::regnamespace
         AND c.relkind = 'i'
         AND (c.relname LIKE 'procrastinate%' OR c.relname LIKE 'idx_procrastinate%')
      """;

  private static final String HISTORY_EXISTS =
      "SELECT to_regclass(quote_ident(current_schema()) || '.' || quote_ident(?)) IS NOT NULL";

  private SchemaInspector() {}

  /**
   * Reads the Procrastinate objects of the current schema.
   *
   * @param connection a connection whose current schema is the one to inspect
   * @return every object found, as {@code kind name}
   * @throws SQLException if the catalog cannot be read
   */
  public static Set<String> presentObjects(Connection connection) throws SQLException {
    Set<String> found = new TreeSet<>();
    try (PreparedStatement statement = connection.prepareStatement(PRESENT_OBJECTS);
        ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        found.add(result.getString(1));
      }
    }
    return found;
  }

  /**
   * Tells whether a table exists in the current schema.
   *
   * @param connection the connection
   * @param table the table name
   * @return whether it exists
   * @throws SQLException if the catalog cannot be read
   */
  public static boolean tableExists(Connection connection, String table) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(HISTORY_EXISTS)) {
      statement.setString(1, table);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getBoolean(1);
      }
    }
  }

  /**
   * Tells whether a schema exists.
   *
   * @param connection the connection
   * @param schema the schema name
   * @return whether it exists
   * @throws SQLException if the catalog cannot be read
   */
  public static boolean schemaExists(Connection connection, String schema) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)")) {
      statement.setString(1, schema);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getBoolean(1);
      }
    }
  }

  /**
   * Reads the current schema's name.
   *
   * @param connection the connection
   * @return the schema name
   * @throws SQLException if the query fails
   */
  public static String currentSchema(Connection connection) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT current_schema()");
        ResultSet result = statement.executeQuery()) {
      result.next();
      String schema = result.getString(1);
      if (schema == null) {
        throw new SQLException(
            "no current schema: the search_path names no existing schema; create it or set"
                + " procrastinate.schema");
      }
      return schema;
    }
  }

  /**
   * Judges a set of present objects against the contract.
   *
   * @param present objects found by {@link #presentObjects}
   * @return the judgement
   */
  public static Assessment assess(Set<String> present) {
    List<String> missing = new ArrayList<>();
    List<String> found = new ArrayList<>();
    List<String> absentUnused = new ArrayList<>();
    for (Map.Entry<String, UpstreamLevel> entry : EXPECTED.entrySet()) {
      String name = entry.getKey();
      if (present.contains(name)) {
        found.add(name);
      } else if (required(name)) {
        missing.add(name);
      } else {
        absentUnused.add(name);
      }
    }
    if (found.isEmpty()) {
      return new Assessment(Assessment.Kind.EMPTY, null, found, missing, absentUnused);
    }
    if (missing.isEmpty()) {
      return new Assessment(
          Assessment.Kind.COMPLETE, UpstreamLevel.V3_4, found, missing, absentUnused);
    }
    // The level reached: the newest release all of whose needed objects, and all older ones, exist.
    UpstreamLevel reached = null;
    for (UpstreamLevel level : UpstreamLevel.values()) {
      boolean all =
          EXPECTED.entrySet().stream()
              .filter(e -> e.getValue() == level && required(e.getKey()))
              .allMatch(e -> present.contains(e.getKey()));
      if (!all) {
        break;
      }
      reached = level;
    }
    UpstreamLevel ceiling = reached;
    boolean newerPresent =
        ceiling != null
            && found.stream()
                .anyMatch(
                    name -> required(name) && EXPECTED.get(name).ordinal() > ceiling.ordinal());
    if (reached == null || newerPresent) {
      return new Assessment(Assessment.Kind.PARTIAL, reached, found, missing, absentUnused);
    }
    return new Assessment(Assessment.Kind.OLDER, reached, found, missing, absentUnused);
  }

  /**
   * The judgement of a schema.
   *
   * @param kind what the schema is
   * @param level the newest upstream level fully present, or null
   * @param found the contract objects present
   * @param missing the contract objects absent that this runtime needs
   * @param absentUnused the contract objects absent that this runtime does not use, for information
   */
  public record Assessment(
      Kind kind,
      @org.jspecify.annotations.Nullable UpstreamLevel level,
      List<String> found,
      List<String> missing,
      List<String> absentUnused) {

    /** What a schema is. */
    public enum Kind {
      /** No Procrastinate object: a fresh install. */
      EMPTY,
      /** Every object of the 3.4+ schema that this runtime needs. */
      COMPLETE,
      /** A consistent older upstream level. */
      OLDER,
      /** Some objects without the older ones they build on: damaged or unknown. */
      PARTIAL
    }

    /**
     * Describes the missing objects that this runtime needs, each with the upstream release and
     * migration that adds it.
     *
     * @return one line per missing object
     */
    public String describeMissing() {
      return describe(missing);
    }

    /**
     * Describes the absent objects that this runtime does not use, as {@link #describeMissing()}.
     *
     * @return one line per absent object
     */
    public String describeAbsentUnused() {
      return describe(absentUnused);
    }

    private static String describe(List<String> names) {
      StringBuilder out = new StringBuilder();
      for (String name : names) {
        UpstreamLevel adds = EXPECTED.get(name);
        out.append("\n  - ")
            .append(name)
            .append(" (added by upstream Procrastinate ")
            .append(adds.release())
            .append(", ")
            .append(adds.migration())
            .append(')');
      }
      return out.toString();
    }
  }
}
