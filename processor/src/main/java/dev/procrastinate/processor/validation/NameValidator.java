package dev.procrastinate.processor.validation;

import dev.procrastinate.processor.model.Names;
import dev.procrastinate.spi.rules.NameLimits;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import org.jspecify.annotations.Nullable;

/**
 * Checks the names a {@code @Task} gives itself: its task name and aliases, against the schema's
 * limits and against every other task of this compilation; its queue name, against the NOTIFY
 * channel limit; and its deferrer's class name, against other deferrers and existing classes. The
 * limits are {@link NameLimits}', which the runtime enforces too. Keeps the names seen in this
 * compilation, across rounds, to report duplicates.
 */
final class NameValidator {
  private final Elements elements;
  private final Annotations annotations;
  private final Diagnostics diagnostics;
  private final Map<String, String> taskNames = new HashMap<>();
  private final Map<String, String> deferrers = new HashMap<>();

  /**
   * The validated names of one task.
   *
   * @param taskName the persisted task name
   * @param defaultName whether it is the default {@code <class>.<method>} name
   * @param aliases other names of the task
   * @param queue the default queue
   * @param deferrerName the simple name of the generated deferrer
   */
  record TaskNames(
      String taskName,
      boolean defaultName,
      List<String> aliases,
      String queue,
      String deferrerName) {}

  NameValidator(Elements elements, Annotations annotations, Diagnostics diagnostics) {
    this.elements = elements;
    this.annotations = annotations;
    this.diagnostics = diagnostics;
  }

  /**
   * Checks the task's names and records them, reporting names the schema refuses and names taken by
   * another task or class of this compilation.
   */
  TaskNames validate(TaskSite site) {
    String explicitName = annotations.string(site.task(), "name");
    boolean defaultName = explicitName.isEmpty();
    String taskName =
        defaultName
            ? site.type().getQualifiedName() + "." + site.method().getSimpleName()
            : explicitName;
    AnnotationValue nameValue = Annotations.explicit(site.task(), "name");
    List<String> names = new ArrayList<>();
    if (checkName(site, nameValue, "name", taskName)) {
      names.add(taskName);
    }
    List<String> aliases = annotations.strings(site.task(), "aliases");
    AnnotationValue aliasesValue = Annotations.explicit(site.task(), "aliases");
    for (String alias : aliases) {
      if (checkName(site, aliasesValue, "alias", alias)) {
        names.add(alias);
      }
    }
    Set<String> own = new HashSet<>();
    for (String name : names) {
      String previous = own.add(name) ? taskNames.get(name) : "this same task";
      if (previous != null) {
        diagnostics.error(
            site.method(),
            site.task(),
            name.equals(taskName) ? nameValue : aliasesValue,
            Message.TASK_NAME_DUPLICATE,
            name,
            site.signature(),
            previous);
      }
    }
    names.forEach(name -> taskNames.putIfAbsent(name, site.signature()));
    return new TaskNames(taskName, defaultName, aliases, queue(site), deferrer(site));
  }

  private boolean checkName(
      TaskSite site, @Nullable AnnotationValue value, String what, String name) {
    String problem = NameLimits.taskNameProblem(name);
    if (problem == null) {
      return true;
    }
    if (name.isBlank()) {
      diagnostics.error(
          site.method(), site.task(), value, Message.TASK_NAME_EMPTY, what, site.signature());
    } else {
      diagnostics.error(
          site.method(),
          site.task(),
          value,
          Message.TASK_NAME_TOO_LONG,
          name,
          site.signature(),
          problem);
    }
    return false;
  }

  private String queue(TaskSite site) {
    String queue = annotations.string(site.task(), "queue");
    String problem = NameLimits.queueNameProblem(queue);
    if (problem != null) {
      diagnostics.error(
          site.method(),
          site.task(),
          Annotations.explicit(site.task(), "queue"),
          Message.TASK_QUEUE_INVALID,
          queue,
          site.signature(),
          problem);
    }
    return queue;
  }

  private String deferrer(TaskSite site) {
    ExecutableElement method = site.method();
    String explicit = annotations.string(site.task(), "deferrer");
    AnnotationValue where = Annotations.explicit(site.task(), "deferrer");
    String name;
    if (explicit.isEmpty()) {
      String methodName = method.getSimpleName().toString();
      name = Character.toUpperCase(methodName.charAt(0)) + methodName.substring(1) + "Deferrer";
    } else {
      name = explicit;
      if (!SourceVersion.isIdentifier(name) || SourceVersion.isKeyword(name)) {
        diagnostics.error(
            method, site.task(), where, Message.TASK_DEFERRER_INVALID, name, site.signature());
        return name;
      }
    }
    String packageName = site.packageName();
    String qualified = packageName.isEmpty() ? name : packageName + "." + name;
    String previous = deferrers.putIfAbsent(qualified, site.signature());
    if (previous != null) {
      diagnostics.error(
          method,
          site.task(),
          where,
          Message.TASK_DEFERRER_CLASH,
          qualified,
          site.signature(),
          "the deferrer of " + previous);
    } else {
      TypeElement existing = elements.getTypeElement(qualified);
      if (existing != null && Annotations.find(existing, Names.TASK_GENERATED_NAME) == null) {
        diagnostics.error(
            method,
            site.task(),
            where,
            Message.TASK_DEFERRER_CLASH,
            qualified,
            site.signature(),
            "the existing class " + qualified);
      }
    }
    return name;
  }
}
