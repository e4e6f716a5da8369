package dev.procrastinate.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.procrastinate.DeleteJobs;
import dev.procrastinate.NewJob;
import dev.procrastinate.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks and parsing of the requests the front ends build, with no database. */
class RequestsTest {
  /** Spells inputs as a front end would, to see that messages use its spelling. */
  private static final InputNames NAMES = input -> "<" + input.key() + ">";

  /** The runtime's own reason for refusing a queue name, which the requests prefix. */
  private static String queueNameMessage(String queue) {
    return catchThrowable(() -> NewJob.validateQueueName(queue)).getMessage();
  }

  private static DeferRequest.Builder defer() {
    return DeferRequest.builder(NAMES).task("t.x");
  }

  @Test
  void dateTimesWithoutOffsetAreUtcAndOthersKeepTheirOffset() {
    assertThat(Inputs.parseInstant("2026-05-01T09:30:00"))
        .isEqualTo(Instant.parse("2026-05-01T09:30:00Z"));
    assertThat(Inputs.parseInstant(" 2026-05-01T09:30:00+02:00 "))
        .isEqualTo(Instant.parse("2026-05-01T07:30:00Z"));
    assertThat(Inputs.parseInstant("2026-05-01T09:30:00+02:00[Europe/Paris]"))
        .isEqualTo(Instant.parse("2026-05-01T07:30:00Z"));
    assertThat(defer().at("2030-01-02T03:04:05.5").build().at())
        .isEqualTo(Instant.parse("2030-01-02T03:04:05.500Z"));
    assertThatThrownBy(() -> defer().at("2026-13-01T00:00:00").build())
        .isInstanceOf(InputException.class)
        .hasMessage(
            "<at> is '2026-13-01T00:00:00', which is not an ISO-8601 date-time; write it like"
                + " 2026-05-01T09:30:00Z, 2026-05-01T09:30:00+02:00, or 2026-05-01T09:30:00 for"
                + " UTC");
  }

  @Test
  void durationsAreSecondsOrIsoAndADelayMustNotBeNegative() {
    assertThat(Inputs.parseDuration("2.5")).isEqualTo(Duration.ofMillis(2500));
    assertThat(Inputs.parseDuration("PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThat(defer().in("0").build().in()).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> defer().in("-5").build())
        .hasMessage(
            "<in> is '-5', which is negative; write zero or more, in seconds (60, 2.5) or"
                + " ISO-8601 (PT1M)");
    assertThatThrownBy(() -> defer().in("soon").build())
        .hasMessage(
            "<in> is 'soon', which is not a duration; write seconds (60, 2.5) or ISO-8601 (PT1M)");
    assertThatThrownBy(() -> defer().in("60").at("2030-01-01T00:00:00Z").build())
        .isInstanceOf(InputException.class)
        .hasMessage("<at> and <in> are both given; give one of them");
  }

  @Test
  void deferInputsAreCheckedBeforeAnyDatabaseWithMessagesNamingThem() {
    assertThatThrownBy(() -> DeferRequest.builder(NAMES).task("  ").build())
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("<task> is not given; give the name of the task to defer");
    assertThatThrownBy(() -> defer().args("[1, 2]").build())
        .hasMessage(
            "<args> must be a JSON object of argument names to values, such as {\"user_id\": 3};"
                + " got [1, 2]");
    assertThatThrownBy(() -> defer().args("{\"a\": ").build())
        .hasMessageStartingWith("<args> is not valid JSON (")
        .hasMessageEndingWith("); give a JSON object such as {\"user_id\": 3}");
    assertThatThrownBy(() -> defer().args("{} {}").build())
        .hasMessageStartingWith("<args> is not valid JSON (");
    assertThatThrownBy(() -> defer().queue("q".repeat(41)).build())
        .hasMessage("<queue>: " + queueNameMessage("q".repeat(41)));
    assertThatThrownBy(() -> defer().priority("high").build())
        .hasMessage("<priority> is 'high', which is not a whole number");
    assertThatThrownBy(() -> defer().allowUnknown("perhaps"))
        .hasMessage(
            "<unknown> is 'perhaps', which is not a boolean; use true, t, y, 1 or false, f, n, 0");

    DeferRequest request =
        defer()
            .args(" {\"a\": 1} ")
            .queue("")
            .lock(" ")
            .priority(" -3 ")
            .allowUnknown("yes")
            .ignoreAlreadyEnqueued("0")
            .build();
    assertThat(request.task()).isEqualTo("t.x");
    assertThat(request.args()).isEqualTo(" {\"a\": 1} ");
    assertThat(request.queue()).as("blank is not given").isNull();
    assertThat(request.lock()).isNull();
    assertThat(request.priority()).isEqualTo(-3);
    assertThat(request.allowUnknown()).isTrue();
    assertThat(request.ignoreAlreadyEnqueued()).isFalse();
  }

  @Test
  void workerInputsOverlayTheSettingsAndAreCheckedWithMessagesNamingThem() {
    WorkerOptions base =
        WorkerOptions.builder().queues("settings").concurrency(3).name("from-settings").build();
    WorkerOptions overlaid =
        WorkerRequest.builder(NAMES)
            .queues(" a, ,b ,")
            .concurrency("2")
            .waitForJobs("false")
            .fetchJobPollingInterval("0.5")
            .abortJobPollingInterval("PT2S")
            .shutdownGracefulTimeout("0")
            .listenNotify(false)
            .deleteJobs("Successful")
            .rescueStalledJobs("on")
            .build()
            .overlay(base);
    assertThat(overlaid.queues()).containsExactly("a", "b");
    assertThat(overlaid.name()).isEqualTo("from-settings");
    assertThat(overlaid.concurrency()).isEqualTo(2);
    assertThat(overlaid.waitForJobs()).isFalse();
    assertThat(overlaid.fetchJobPollingInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(overlaid.abortJobPollingInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(overlaid.shutdownGracefulTimeout()).isEqualTo(Duration.ZERO);
    assertThat(overlaid.listenNotify()).isFalse();
    assertThat(overlaid.deleteJobs()).isEqualTo(DeleteJobs.SUCCESSFUL);
    assertThat(overlaid.rescueStalledJobs()).isTrue();

    assertThat(WorkerRequest.builder(NAMES).build().overlay(base)).isEqualTo(base);
    assertThat(WorkerRequest.builder(NAMES).queues(" ").build().overlay(base).queues())
        .as("an empty queue list means all queues")
        .isEqualTo(List.of());

    assertThatThrownBy(() -> WorkerRequest.builder(NAMES).concurrency("0").build())
        .isInstanceOf(InputException.class)
        .hasMessage("<concurrency> is '0'; it must be at least 1");
    assertThatThrownBy(() -> WorkerRequest.builder(NAMES).deleteJobs("sometimes").build())
        .hasMessage("<deleteJobs> is 'sometimes', which is not one of never, successful, always");
    assertThatThrownBy(() -> WorkerRequest.builder(NAMES).fetchJobPollingInterval("0").build())
        .hasMessage(
            "<fetchJobPollingInterval> is '0'; it must be a positive duration, in seconds (5, 0.5)"
                + " or ISO-8601 (PT5S)");
    assertThatThrownBy(() -> WorkerRequest.builder(NAMES).shutdownGracefulTimeout("-1").build())
        .hasMessageStartingWith("<shutdownGracefulTimeout> is '-1', which is negative");
    assertThatThrownBy(() -> WorkerRequest.builder(NAMES).queues("a," + "q".repeat(41)).build())
        .hasMessage("<queues>: " + queueNameMessage("q".repeat(41)));
    assertThatThrownBy(() -> WorkerRequest.builder(NAMES).waitForJobs("sometimes"))
        .hasMessageStartingWith("<wait> is 'sometimes', which is not a boolean");
  }
}
