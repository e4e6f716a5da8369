package dev.procrastinate.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.internal.registry.TaskRegistry;
import org.junit.jupiter.api.Test;

/** The registrars the processor generated for the example are found through ServiceLoader. */
class RegistryLoadingTest {
  @Test
  void serviceLoaderFindsTheGeneratedRegistrarsOfTheClasspath() {
    TaskRegistry registry = TaskRegistry.load(RegistryLoadingTest.class.getClassLoader());
    assertThat(registry.find("myapp.tasks.send_welcome")).isPresent();
    assertThat(registry.find("myapp.tasks.send_welcome").orElseThrow().source())
        .endsWith("via dev.procrastinate.example.MailTasks_TaskRegistrar");
  }
}
