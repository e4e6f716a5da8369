package dev.procrastinate.processor.model;

import com.palantir.javapoet.TypeName;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ExecutableElement;

/**
 * One validated {@code @Task} method.
 *
 * @param element the method
 * @param methodName its simple name
 * @param taskName the persisted task name
 * @param aliases other names of the task
 * @param queue the default queue
 * @param priority the default priority
 * @param lock the default lock, if any
 * @param queueingLock the default queueing lock, if any
 * @param retry the retry settings of {@code @Retry}
 * @param retryPolicy the class of {@code @Task(retryPolicy)}, if set
 * @param middleware the classes of {@code @Task(middleware)}, in order
 * @param timeoutSeconds the timeout, 0 for none
 * @param concurrencyLimit the jobs that may run at once across all workers, 0 for no limit declared
 * @param rateLimit the rate limit as written, {@code N/PERIOD}, if one is declared
 * @param deferrerName the simple name of the generated deferrer
 * @param isStatic whether the method is static
 * @param returnsVoid whether the method returns nothing
 * @param isPublic whether the method and every class around it are public
 * @param params the parameters, in order, including a {@code JobContext}
 * @param periodics the cron schedules
 * @param signature the method as text, e.g. {@code com.acme.MailTasks.send(long)}
 */
public record TaskMethod(
    ExecutableElement element,
    String methodName,
    String taskName,
    List<String> aliases,
    String queue,
    int priority,
    Optional<String> lock,
    Optional<String> queueingLock,
    RetryModel retry,
    Optional<TypeName> retryPolicy,
    List<TypeName> middleware,
    long timeoutSeconds,
    int concurrencyLimit,
    Optional<String> rateLimit,
    String deferrerName,
    boolean isStatic,
    boolean returnsVoid,
    boolean isPublic,
    List<TaskParam> params,
    List<PeriodicModel> periodics,
    String signature) {

  /** Returns the parameters that are JSON arguments, i.e. all but a {@code JobContext}. */
  public List<TaskParam> arguments() {
    return params.stream().filter(p -> p.kind() != TaskParam.Kind.CONTEXT).toList();
  }
}
