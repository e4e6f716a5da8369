package dev.procrastinate.spi;

import dev.procrastinate.JobContext;
import org.jspecify.annotations.Nullable;

/**
 * Runs one task: decodes the job's arguments and calls the task method directly. Written by the
 * processor as a lambda in the registrar.
 */
@FunctionalInterface
public interface TaskHandler {
  /**
   * Runs the task once.
   *
   * @param context the context of the running job
   * @param args the job's arguments
   * @return the method's return value, or null for a {@code void} method
   * @throws Exception whatever the task method throws; {@link dev.procrastinate.ArgumentsException}
   *     if the arguments do not fit its parameters
   */
  @Nullable Object invoke(JobContext context, TaskArguments args) throws Exception;
}
