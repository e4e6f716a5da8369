package dev.procrastinate.processor;

import com.palantir.javapoet.ClassName;

/**
 * The runtime and JDK types the processor reads or writes, by name: the processor does not depend
 * on the runtime artifact, so that it can run on {@code annotationProcessorPaths} alone.
 */
final class Names {
  static final String RUNTIME_PACKAGE = "dev.procrastinate";
  static final String SPI_PACKAGE = "dev.procrastinate.spi";

  static final String TASK = "dev.procrastinate.Task";
  static final String RETRY = "dev.procrastinate.Retry";
  static final String PERIODIC = "dev.procrastinate.Periodic";
  static final String PERIODIC_LIST = "dev.procrastinate.Periodic.List";
  static final String ARG = "dev.procrastinate.Arg";
  static final String RETRY_POLICY = "dev.procrastinate.RetryPolicy";
  static final String JOB_MIDDLEWARE = "dev.procrastinate.JobMiddleware";
  static final String JOB_CONTEXT = "dev.procrastinate.JobContext";
  static final String TASK_GENERATED_NAME = "dev.procrastinate.internal.TaskGenerated";
  static final String REGISTRAR_SERVICE = "dev.procrastinate.spi.TaskRegistrar";
  static final String GENERATED_NAME = "javax.annotation.processing.Generated";

  static final ClassName RETRY_STRATEGY = ClassName.get(RUNTIME_PACKAGE, "RetryStrategy");
  static final ClassName TASK_REGISTRAR = ClassName.get(SPI_PACKAGE, "TaskRegistrar");
  static final ClassName TASK_DESCRIPTOR = ClassName.get(SPI_PACKAGE, "TaskDescriptor");
  static final ClassName TASK_INSTANCES = ClassName.get(SPI_PACKAGE, "TaskInstances");
  static final String ON_JOB_DELETE = "dev.procrastinate.jpa.OnJobDelete";
  static final String PROCRASTINATE_JOB_ENTITY = "dev.procrastinate.jpa.ProcrastinateJob";
  static final ClassName TASK_PARAMETER = ClassName.get(SPI_PACKAGE, "TaskParameter");
  static final ClassName PERIODIC_SCHEDULE = ClassName.get(SPI_PACKAGE, "PeriodicSchedule");
  static final ClassName TYPE_REF = ClassName.get(SPI_PACKAGE, "TypeRef");
  static final ClassName DEFERRER_OPTIONS = ClassName.get(SPI_PACKAGE, "DeferrerOptions");
  static final ClassName DEFERRER_BATCH = ClassName.get(SPI_PACKAGE, "DeferrerBatch");
  static final ClassName TASK_GENERATED =
      ClassName.get("dev.procrastinate.internal", "TaskGenerated");
  static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

  static final String PROCESSOR = "dev.procrastinate.processor.TaskProcessor";
  static final String PROJECT_URL = "https://github.com/procrastinate-java/procrastinate-java";

  private Names() {}
}
