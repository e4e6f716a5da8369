package dev.procrastinate.spi.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.procrastinate.NewJob;
import dev.procrastinate.spi.TaskDescriptor;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The name limits, and the runtime's checks that use them. */
class NameLimitsTest {
  @Test
  void theQueueLimitIsTheChannelLimitLessThePrefix() {
    assertThat(NameLimits.MAX_QUEUE_NAME_BYTES)
        .isEqualTo(
            NameLimits.MAX_CHANNEL_BYTES
                - NameLimits.QUEUE_CHANNEL_PREFIX.getBytes(StandardCharsets.UTF_8).length);
    assertThat(NewJob.MAX_QUEUE_NAME_BYTES).isEqualTo(NameLimits.MAX_QUEUE_NAME_BYTES);
    assertThat(NewJob.MAX_TASK_NAME_LENGTH).isEqualTo(NameLimits.MAX_TASK_NAME_LENGTH);
  }

  @ParameterizedTest
  @MethodSource("dev.procrastinate.spi.rules.RuleExamples#validQueueNames")
  void validQueueNames(String queue) {
    assertThat(NameLimits.queueNameProblem(queue)).isNull();
    NewJob.validateQueueName(queue);
    assertThat(NewJob.builder("t").queue(queue).build().queue()).isEqualTo(queue);
  }

  @ParameterizedTest
  @MethodSource("dev.procrastinate.spi.rules.RuleExamples#invalidQueueNames")
  void invalidQueueNames(String queue) {
    String problem = NameLimits.queueNameProblem(queue);
    assertThat(problem).isNotNull();
    assertThatThrownBy(() -> NewJob.builder("t").queue(queue).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("queue name '" + queue + "' is " + problem)
        .hasMessageContaining(NameLimits.QUEUE_NAME_RULE);
    assertThatThrownBy(
            () -> TaskDescriptor.builder("t").queue(queue).build((context, args) -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task t: queue name '" + queue + "' is " + problem);
  }

  @Test
  void queueProblemsSayWhatIsWrong() {
    assertThat(NameLimits.queueNameProblem("")).isEqualTo("empty");
    assertThat(NameLimits.queueNameProblem("é".repeat(21))).isEqualTo("42 bytes long");
  }

  @ParameterizedTest
  @MethodSource("dev.procrastinate.spi.rules.RuleExamples#validTaskNames")
  void validTaskNames(String name) {
    assertThat(NameLimits.taskNameProblem(name)).isNull();
    assertThat(NewJob.builder(name).build().taskName()).isEqualTo(name);
    assertThat(TaskDescriptor.builder(name).build((context, args) -> null).name()).isEqualTo(name);
    assertThat(TaskDescriptor.builder("t").aliases(name).build((context, args) -> null).aliases())
        .containsExactly(name);
  }

  @ParameterizedTest
  @MethodSource("dev.procrastinate.spi.rules.RuleExamples#invalidTaskNames")
  void invalidTaskNames(String name) {
    String problem = NameLimits.taskNameProblem(name);
    assertThat(problem).isNotNull();
    assertThatThrownBy(() -> NewJob.builder(name).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name.isBlank() ? "task name is empty" : "is " + problem);
    assertThatThrownBy(() -> TaskDescriptor.builder(name).build((context, args) -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(name.isBlank() ? "task name is empty" : "is " + problem);
    assertThatThrownBy(
            () -> TaskDescriptor.builder("t").aliases(name).build((context, args) -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("alias '" + name + "' of task t is " + problem);
  }

  @Test
  void taskNameProblemsSayWhatIsWrong() {
    assertThat(NameLimits.taskNameProblem(" ")).isEqualTo("blank");
    assertThat(NameLimits.taskNameProblem("x".repeat(129)))
        .isEqualTo("129 characters long, but procrastinate_jobs.task_name holds at most 128");
  }
}
