package dev.procrastinate.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Registrars by ServiceLoader, and names or aliases registered twice. */
class TaskRegistryTest {
  private static TaskRegistrar registrar(TaskDescriptor... tasks) {
    return () -> List.of(tasks);
  }

  private static TaskDescriptor task(String name, String source, String... aliases) {
    return TaskDescriptor.builder(name)
        .aliases(aliases)
        .source(source)
        .build((context, args) -> null);
  }

  @Test
  void findsTasksByNameAndAlias() {
    TaskDescriptor send = task("mail.send", "MailTasks.send", "mail.old_send");
    TaskRegistry registry = TaskRegistry.of(List.of(registrar(send), registrar(task("b", "B.b"))));
    assertThat(registry.find("mail.send")).containsSame(send);
    assertThat(registry.find("mail.old_send")).containsSame(send);
    assertThat(registry.find("nope")).isEmpty();
    assertThat(registry.tasks()).hasSize(2);
    assertThat(registry.byName()).containsOnlyKeys("mail.send", "mail.old_send", "b");
  }

  @Test
  void duplicateNameAcrossRegistrarsNamesBothSources() {
    assertThatThrownBy(
            () ->
                TaskRegistry.of(
                    List.of(
                        registrar(
                            task(
                                "mail.send",
                                "com.a.MailTasks.send(long) via com.a.MailTasks_TaskRegistrar")),
                        registrar(
                            task(
                                "mail.send",
                                "com.b.Other.send(long) via com.b.Other_TaskRegistrar")))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("task name 'mail.send' is registered twice")
        .hasMessageContaining("com.a.MailTasks.send(long) via com.a.MailTasks_TaskRegistrar")
        .hasMessageContaining("com.b.Other.send(long) via com.b.Other_TaskRegistrar");
  }

  @Test
  void aliasClashingWithAnotherNameNamesBothSources() {
    assertThatThrownBy(
            () ->
                TaskRegistry.of(
                    List.of(registrar(task("a", "A.a")), registrar(task("b", "B.b", "a")))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'a' is registered twice: by A.a and by B.b");
  }

  @Test
  void descriptorRejectsTwoParametersWithOneName() {
    assertThatThrownBy(
            () ->
                TaskDescriptor.builder("t")
                    .parameter(dev.procrastinate.spi.TaskParameter.required("a", "int"))
                    .parameter(dev.procrastinate.spi.TaskParameter.required("a", "long"))
                    .build((context, args) -> null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
