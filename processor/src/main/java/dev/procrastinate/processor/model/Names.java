package dev.procrastinate.processor.model;

import com.palantir.javapoet.ClassName;

/**
 * The runtime and JDK types the processor reads or writes, by name: the processor does not depend
 * on the runtime artifact, so that it can run on {@code annotationProcessorPaths} alone.
 */
public final class Names {
  private static final String RUNTIME_PACKAGE = "dev.procrastinate";
  private static final String SPI_PACKAGE = "dev.procrastinate.spi";
  private static final String MODEL_PACKAGE = "dev.procrastinate.model";

  /** The annotation that marks a task method. */
  public static final String TASK = "dev.procrastinate.Task";

  /** The annotation of a periodic task's cron schedule. */
  public static final String PERIODIC = "dev.procrastinate.Periodic";

  /** The container of repeated {@code @Periodic} annotations. */
  public static final String PERIODIC_LIST = "dev.procrastinate.Periodic.List";

  /** The annotation that gives a parameter another JSON name. */
  public static final String ARG = "dev.procrastinate.Arg";

  /** The interface a {@code @Task(retryPolicy)} class implements. */
  public static final String RETRY_POLICY = "dev.procrastinate.RetryPolicy";

  /** The interface a {@code @Task(middleware)} class implements. */
  public static final String JOB_MIDDLEWARE = "dev.procrastinate.JobMiddleware";

  /** The parameter type through which a task receives its job's context. */
  public static final String JOB_CONTEXT = "dev.procrastinate.JobContext";

  /** The annotation on every generated type, by name. */
  public static final String TASK_GENERATED_NAME = "dev.procrastinate.spi.TaskGenerated";

  /** The service interface the generated registrars implement, by name. */
  public static final String REGISTRAR_SERVICE = "dev.procrastinate.spi.TaskRegistrar";

  /** The JDK's {@code @Generated}, by name, to tell whether the compilation can see it. */
  public static final String GENERATED_NAME = "javax.annotation.processing.Generated";

  /** The runtime's standard retry strategy. */
  public static final ClassName RETRY_STRATEGY = ClassName.get(RUNTIME_PACKAGE, "RetryStrategy");

  /** A rate limit, {@code N/PERIOD}, which a registrar reads with its {@code parse} method. */
  public static final ClassName RATE_LIMIT = ClassName.get(MODEL_PACKAGE, "RateLimit");

  /** The service interface the generated registrars implement. */
  public static final ClassName TASK_REGISTRAR = ClassName.get(SPI_PACKAGE, "TaskRegistrar");

  /** The description of one task that a registrar hands to the runtime. */
  public static final ClassName TASK_DESCRIPTOR = ClassName.get(SPI_PACKAGE, "TaskDescriptor");

  /** Where a generated handler gets the instance of an instance method's class. */
  public static final ClassName TASK_INSTANCES = ClassName.get(SPI_PACKAGE, "TaskInstances");

  /** The annotation that says what happens to an entity's row when its job is deleted. */
  public static final String ON_JOB_DELETE = "dev.procrastinate.jpa.OnJobDelete";

  /** The JPA entity of a job, which application entities may reference. */
  public static final String PROCRASTINATE_JOB_ENTITY = "dev.procrastinate.jpa.ProcrastinateJob";

  /** The description of one parameter in a task descriptor. */
  public static final ClassName TASK_PARAMETER = ClassName.get(SPI_PACKAGE, "TaskParameter");

  /** One cron schedule in a task descriptor. */
  public static final ClassName PERIODIC_SCHEDULE = ClassName.get(SPI_PACKAGE, "PeriodicSchedule");

  /** The type token a generated handler decodes a generic argument with. */
  public static final ClassName TYPE_REF = ClassName.get(SPI_PACKAGE, "TypeRef");

  /** The superclass of a generated deferrer's {@code Options}. */
  public static final ClassName DEFERRER_OPTIONS = ClassName.get(SPI_PACKAGE, "DeferrerOptions");

  /** The superclass of a generated deferrer's {@code Batch}. */
  public static final ClassName DEFERRER_BATCH = ClassName.get(SPI_PACKAGE, "DeferrerBatch");

  /** The job a generated deferrer's {@code job(...)} returns. */
  public static final ClassName NEW_JOB = ClassName.get(RUNTIME_PACKAGE, "NewJob");

  /** The annotation on every generated type. */
  public static final ClassName TASK_GENERATED =
      ClassName.get("dev.procrastinate.spi", "TaskGenerated");

  /** The JDK's {@code @Generated}. */
  public static final ClassName GENERATED =
      ClassName.get("javax.annotation.processing", "Generated");

  /** The processor, as {@code @Generated} names it. */
  public static final String PROCESSOR = "dev.procrastinate.processor.TaskProcessor";

  /** The project's home, where problems of the processor are reported. */
  public static final String PROJECT_URL =
      "https://github.com/procrastinate-java/procrastinate-java";

  private Names() {}
}
