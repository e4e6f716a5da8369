package dev.procrastinate.processor.validation;

import com.palantir.javapoet.TypeName;
import dev.procrastinate.processor.model.Names;
import dev.procrastinate.processor.model.RetryModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * Checks how a {@code @Task}'s jobs run and fail: the {@code @Retry} values, a {@code retryPolicy}
 * class (not both), the {@code middleware} classes, and {@code timeoutSeconds}, which ends a run
 * with a retryable failure.
 */
final class RetryValidator {
  private final Types types;
  private final Annotations annotations;
  private final ComponentClasses components;
  private final Diagnostics diagnostics;

  /**
   * The validated failure handling of one task.
   *
   * @param retry the {@code @Retry} values
   * @param retryPolicy the class of {@code @Task(retryPolicy)}, if set
   * @param middleware the classes of {@code @Task(middleware)}, in order
   * @param timeoutSeconds the timeout, 0 for none
   */
  record Execution(
      RetryModel retry,
      Optional<TypeName> retryPolicy,
      List<TypeName> middleware,
      long timeoutSeconds) {}

  RetryValidator(
      Types types, Annotations annotations, ComponentClasses components, Diagnostics diagnostics) {
    this.types = types;
    this.annotations = annotations;
    this.components = components;
    this.diagnostics = diagnostics;
  }

  /** Checks the retry, policy, middleware and timeout of a task, reporting every problem. */
  Execution validate(TaskSite site) {
    RetryModel retry = retry(site);
    Optional<TypeName> retryPolicy = retryPolicy(site);
    List<TypeName> middleware = middleware(site);
    long timeoutSeconds = annotations.longValue(site.task(), "timeoutSeconds");
    if (timeoutSeconds < 0) {
      diagnostics.error(
          site.method(),
          site.task(),
          Annotations.explicit(site.task(), "timeoutSeconds"),
          Message.TASK_TIMEOUT_INVALID,
          site.signature(),
          timeoutSeconds);
    }
    return new Execution(retry, retryPolicy, middleware, timeoutSeconds);
  }

  private RetryModel retry(TaskSite site) {
    AnnotationMirror retry = annotations.annotation(site.task(), "retry");
    AnnotationValue where = Annotations.explicit(site.task(), "retry");
    int maxAttempts = annotations.intValue(retry, "maxAttempts");
    long fixedWait = annotations.longValue(retry, "fixedWait");
    long linearWait = annotations.longValue(retry, "linearWait");
    long exponentialWait = annotations.longValue(retry, "exponentialWait");
    List<TypeName> retryOn = new ArrayList<>();
    for (TypeMirror type : annotations.classes(retry, "retryOn")) {
      if (type != null && type.getKind() == TypeKind.DECLARED) {
        retryOn.add(TypeName.get(type));
      }
    }
    List<String> problems = new ArrayList<>();
    if (maxAttempts < -1) {
      problems.add(
          "maxAttempts is "
              + maxAttempts
              + "; use a number of retries (0 or more) or Retry.FOREVER");
    }
    if (maxAttempts == 0 && Annotations.explicit(retry, "maxAttempts") != null) {
      problems.add(
          "maxAttempts = 0 reads two ways: Python Procrastinate's RetryStrategy(max_attempts=0)"
              + " retries without limit, while 0 here would mean no retry; leave retry out for no"
              + " retry, or write maxAttempts = Retry.FOREVER to retry without limit");
    }
    Map<String, Long> waits = new LinkedHashMap<>();
    waits.put("fixedWait", fixedWait);
    waits.put("linearWait", linearWait);
    waits.put("exponentialWait", exponentialWait);
    waits.forEach(
        (name, value) -> {
          if (value < 0) {
            problems.add(name + " is " + value + "; use 0 or more seconds");
          }
        });
    if (maxAttempts == 0
        && (fixedWait != 0 || linearWait != 0 || exponentialWait != 0 || !retryOn.isEmpty())) {
      problems.add(
          "waits or retryOn are set but maxAttempts is 0, so jobs are never retried; set"
              + " maxAttempts to the number of retries, or to Retry.FOREVER");
    }
    for (String problem : problems) {
      diagnostics.error(
          site.method(), site.task(), where, Message.TASK_RETRY_INVALID, site.signature(), problem);
    }
    return new RetryModel(maxAttempts, fixedWait, linearWait, exponentialWait, retryOn);
  }

  private Optional<TypeName> retryPolicy(TaskSite site) {
    AnnotationValue where = Annotations.explicit(site.task(), "retryPolicy");
    if (where == null) {
      return Optional.empty();
    }
    TypeMirror type = annotations.classValue(site.task(), "retryPolicy");
    if (Annotations.explicit(site.task(), "retry") != null) {
      diagnostics.error(
          site.method(), site.task(), where, Message.TASK_RETRY_CONFLICT, site.signature());
    }
    String problem = components.problem(type, Names.RETRY_POLICY, site.packageName());
    if (problem != null) {
      diagnostics.error(
          site.method(),
          site.task(),
          where,
          Message.TASK_RETRY_POLICY_INVALID,
          simpleName(type),
          site.signature(),
          problem);
      return Optional.empty();
    }
    return Optional.of(TypeName.get(types.erasure(type)));
  }

  private List<TypeName> middleware(TaskSite site) {
    AnnotationValue where = Annotations.explicit(site.task(), "middleware");
    List<TypeName> middleware = new ArrayList<>();
    for (TypeMirror type : annotations.classes(site.task(), "middleware")) {
      String problem = components.problem(type, Names.JOB_MIDDLEWARE, site.packageName());
      if (problem != null) {
        diagnostics.error(
            site.method(),
            site.task(),
            where,
            Message.TASK_MIDDLEWARE_INVALID,
            simpleName(type),
            site.signature(),
            problem);
      } else {
        middleware.add(TypeName.get(types.erasure(type)));
      }
    }
    return middleware;
  }

  private static String simpleName(@Nullable TypeMirror type) {
    return type == null ? "<unresolved>" : TypeName.get(type).toString();
  }
}
