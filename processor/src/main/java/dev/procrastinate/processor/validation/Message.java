package dev.procrastinate.processor.validation;

import dev.procrastinate.processor.model.Names;
import dev.procrastinate.spi.rules.NameLimits;
import java.util.Locale;

/**
 * Every text the processor reports, each with a stable tag in brackets that tests, documentation
 * and users can search for. Each says what is wrong and how to fix it.
 */
public enum Message {
  TASK_NOT_REACHABLE(
      "TaskNotReachable",
      "@Task method %s cannot be called from generated code in package %s because %s; make the"
          + " method and every class around it at least package-private, and not local or"
          + " anonymous"),
  TASK_NOT_INSTANTIABLE(
      "TaskNotInstantiable",
      "@Task method %s is an instance method, but %s %s; make the method static, or give the class"
          + " a non-private constructor: without parameters, or with the dependencies a container"
          + " such as Spring injects into the bean"),
  TASK_GENERIC(
      "TaskGeneric",
      "@Task method %s declares type parameters %s, but a job's JSON arguments carry no type; replace"
          + " the type parameters with concrete types"),
  TASK_THROWS_THROWABLE(
      "TaskThrowsThrowable",
      "@Task method %s declares throws %s, which is neither an Exception nor an Error, so a task"
          + " handler cannot rethrow it; declare Exception or a subclass instead"),
  TASK_PARAMETER_NOT_JSON(
      "TaskParameterNotJson",
      "parameter %s of @Task method %s has type %s, which cannot be written to JSON and read back"
          + " (%s); use a primitive or its box, String, an enum, BigDecimal, BigInteger, UUID,"
          + " Instant, LocalDate, LocalTime, LocalDateTime, OffsetDateTime, Duration, a record of"
          + " those, an array, List, Set or Map<String, ...> of those, or Optional of one"),
  TASK_PARAMETER_NOT_ACCESSIBLE(
      "TaskParameterNotAccessible",
      "parameter %s of @Task method %s has type %s, which generated code in package %s cannot name;"
          + " make the type at least package-private, or public when it is in another package"),
  TASK_RETURN_TYPE_NOT_JSON(
      "TaskReturnTypeNotJson",
      "@Task method %s returns %s, which cannot be stored as the job's JSON result and read back"
          + " (%s); return a primitive or its box, String, an enum, BigDecimal, BigInteger, UUID,"
          + " Instant, LocalDate, LocalTime, LocalDateTime, OffsetDateTime, Duration, a record of"
          + " those, an array, List, Set or Map<String, ...> of those, or Optional of one (empty"
          + " for no result), or make the method void"),
  TASK_CONTEXT_TWICE(
      "TaskContextTwice", "@Task method %s has more than one JobContext parameter; keep one"),
  TASK_NAME_EMPTY(
      "TaskNameEmpty",
      "the %s of @Task method %s is blank; give a name such as \"myapp.tasks.send_email\", or"
          + " leave @Task(name) out to use the default"),
  TASK_NAME_TOO_LONG(
      "TaskNameTooLong",
      // %s: NameLimits.taskNameProblem, e.g. "129 characters long, but ... holds at most 128".
      "task name \"%s\" of @Task method %s is %s; choose a shorter name"),
  TASK_NAME_DUPLICATE(
      "TaskNameDuplicate",
      "task name \"%s\" of @Task method %s is already used by %s; give one of them another"
          + " @Task(name = ...) or remove the duplicate alias"),
  ARG_NAME_EMPTY(
      "ArgNameEmpty",
      "@Arg on parameter %s of @Task method %s is blank; give the JSON key, e.g. @Arg(\"user_id\"),"
          + " or remove @Arg to use the parameter name"),
  ARG_NAME_DUPLICATE(
      "ArgNameDuplicate",
      "parameters %s of @Task method %s have the same JSON name \"%s\"; give them distinct @Arg"
          + " names"),
  TASK_DEFERRER_INVALID(
      "TaskDeferrerInvalid",
      "@Task(deferrer = \"%s\") on %s is not a Java class name; use a simple name such as"
          + " \"SendWelcomeDeferrer\""),
  TASK_DEFERRER_CLASH(
      "TaskDeferrerClash",
      "the deferrer %s of @Task method %s clashes with %s; name one of them with"
          + " @Task(deferrer = \"...\")"),
  TASK_QUEUE_INVALID(
      "TaskQueueInvalid",
      "queue \"%s\" of @Task method %s is %s; "
          + NameLimits.QUEUE_NAME_RULE
          + "; choose a shorter name"),
  TASK_RETRY_INVALID("TaskRetryInvalid", "@Retry of @Task method %s is invalid: %s"),
  TASK_RETRY_POLICY_INVALID(
      "TaskRetryPolicyInvalid",
      "@Task(retryPolicy = %s.class) on %s cannot be used: %s; name a non-abstract, non-generic"
          + " class implementing dev.procrastinate.RetryPolicy, visible from the task's package,"
          + " with a constructor without parameters"),
  TASK_RETRY_CONFLICT(
      "TaskRetryConflict",
      "@Task method %s sets both retry and retryPolicy; keep one: @Retry for the standard"
          + " strategy, or retryPolicy for a class that decides itself"),
  TASK_MIDDLEWARE_INVALID(
      "TaskMiddlewareInvalid",
      "@Task(middleware = %s.class) on %s cannot be used: %s; name non-abstract, non-generic"
          + " classes implementing dev.procrastinate.JobMiddleware, visible from the task's"
          + " package, with a constructor without parameters"),
  TASK_TIMEOUT_INVALID(
      "TaskTimeoutInvalid",
      "timeoutSeconds of @Task method %s is %d; use 0 for no timeout or a positive number of"
          + " seconds"),
  TASK_CONCURRENCY_LIMIT_INVALID(
      "TaskConcurrencyLimitInvalid",
      "concurrencyLimit of @Task method %s is %d; use the number of its jobs that may run at once"
          + " across all workers (1 or more), or leave it out (0) for no limit"),
  TASK_RATE_LIMIT_INVALID(
      "TaskRateLimitInvalid",
      "rateLimit \"%s\" of @Task method %s %s; write N/PERIOD, at most N starts per PERIOD: N a"
          + " whole number from 1, PERIOD a number of seconds, or a number with the unit ms, s, m"
          + " or h, or a unit alone for one of it, at least 1 ms, e.g. \"50/1s\", \"50/s\","
          + " \"100/60\", \"100/m\" or \"5/500ms\"; leave it out for no limit"),
  PERIODIC_CRON_INVALID(
      "PeriodicCronInvalid",
      "cron \"%s\" of @Periodic on %s is invalid: %s; write 5 fields (minute hour day-of-month"
          + " month day-of-week), optionally a 6th for seconds last, evaluated in UTC, e.g."
          + " \"0 3 * * *\""),
  PERIODIC_TIMESTAMP_MISSING(
      "PeriodicTimestampMissing",
      "@Periodic task %s has no long parameter named timestamp; add a parameter \"long"
          + " timestamp\", which receives the tick in epoch seconds"),
  PERIODIC_ARGS_INVALID("PeriodicArgsInvalid", "args of @Periodic on %s are invalid: %s"),
  PERIODIC_ID_DUPLICATE(
      "PeriodicIdDuplicate",
      "@Periodic task %s has two schedules with periodic id \"%s\"; give each schedule its own"
          + " periodicId"),
  PERIODIC_WITHOUT_TASK(
      "PeriodicWithoutTask",
      "@Periodic method %s has no @Task annotation; add @Task, or remove @Periodic"),
  TASK_DEFAULT_NAME(
      "TaskDefaultName",
      "task %s has the default name \"%s\", which changes if the class or method is renamed or"
          + " moved, and queued jobs would then find no task; set @Task(name = \"%s\") to keep it"
          + " (suppress with @SuppressWarnings(\"TaskDefaultName\"))"),
  TASK_UNRESOLVED_TYPE(
      "TaskUnresolvedType",
      "a type in the signature of @Task method %s could not be resolved; check earlier errors or"
          + " the classpath"),
  RELATION_WITHOUT_ON_JOB_DELETE(
      "RelationWithoutOnJobDelete",
      "%s references ProcrastinateJob without @OnJobDelete, so nothing says what happens to this"
          + " row when the job is deleted (by the worker's deleteJobs policy, deleteOldJobs or"
          + " cancelAndDelete); choose: @OnJobDelete(OnDelete.SET_NULL) keeps the row and clears"
          + " the reference, CASCADE deletes the row with the job, RESTRICT or NO_ACTION keep the"
          + " job from being deleted (the deletion then fails), SET_DEFAULT points at the column's"
          + " default (suppress with @SuppressWarnings(\"RelationWithoutOnJobDelete\"))"),
  RELATION_GENERATED_FOREIGN_KEY(
      "RelationGeneratedForeignKey",
      "%s references ProcrastinateJob with a foreign key the JPA provider would generate, without"
          + " ON DELETE, so deleting a referenced job would fail; declare @JoinColumn(foreignKey ="
          + " @ForeignKey(ConstraintMode.NO_CONSTRAINT)) and let 'mvn procrastinate:relation-sql'"
          + " write the foreign key with the @OnJobDelete action"),
  RELATION_SET_NULL_NOT_NULLABLE(
      "RelationSetNullNotNullable",
      "%s is @OnJobDelete(OnDelete.SET_NULL) but its column %s cannot be null (%s); make the"
          + " relation optional and the column nullable, or choose CASCADE"),
  RELATION_SET_DEFAULT_WITHOUT_DEFAULT(
      "RelationSetDefaultWithoutDefault",
      "%s is @OnJobDelete(OnDelete.SET_DEFAULT) but its column %s declares no default; add"
          + " @JoinColumn(columnDefinition = \"bigint DEFAULT ...\"), or choose SET_NULL or"
          + " CASCADE"),
  TASK_INTERNAL_ERROR(
      "TaskInternalError",
      "procrastinate-processor failed on %s: %s; please report this at "
          + Names.PROJECT_URL
          + "/issues with the stack trace");

  private final String tag;
  private final String format;

  Message(String tag, String format) {
    this.tag = tag;
    this.format = format;
  }

  /** The stable tag, without brackets. */
  public String tag() {
    return tag;
  }

  /** Formats the full text, tag first. */
  public String format(Object... args) {
    return "[" + tag + "] " + String.format(Locale.ROOT, format, args);
  }
}
