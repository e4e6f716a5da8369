package dev.procrastinate.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.procrastinate.App;
import dev.procrastinate.NewJob;
import dev.procrastinate.Workflow;
import dev.procrastinate.testing.TestDatabase;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A job's page shows the workflow it belongs to: each step, its state, and what it waits for. */
class DashboardWorkflowTest {
  @RegisterExtension static final TestDatabase DB = TestDatabase.migrated();

  @Test
  void aStepsPageListsItsWorkflowWithWhatEachStepWaitsForAndWhyOneWasCancelled() {
    try (App app =
        App.builder()
            .dataSource(DB.dataSource())
            .taskRegistrars(List.of(DemoTasks.registrar()))
            .build()) {
      Dashboard dashboard = Dashboard.builder(app).build();
      NewJob mail =
          NewJob.builder(DemoTasks.WELCOME).arg("user_id", 1).arg("template", "w").build();
      List<Long> ids =
          app.jobManager()
              .defer(Workflow.chain(mail, NewJob.builder(DemoTasks.REPORT).build(), mail));

      String page = body(dashboard, ids.get(0));
      String workflow = page.substring(page.indexOf("id=\"job-workflow\""));
      assertThat(workflow)
          .contains(
              "<a href=\"/jobs/" + ids.get(0) + "\">#" + ids.get(0) + "</a>",
              "data-step=\"" + ids.get(1) + "\"",
              "s-waiting",
              "#" + ids.get(1) + "</td>")
          .doesNotContain("href=\"/jobs/" + ids.get(1) + "\"");
      assertThat(
              workflow
                  .substring(workflow.indexOf("data-step=\"" + ids.get(1) + "\""))
                  .replaceAll("\\s+", " "))
          .as("the second step runs after the first, and waits for it")
          .contains("<td>#" + ids.get(0) + "</td> <td>#" + ids.get(0) + "</td>");

      assertThat(app.jobManager().cancel(ids.get(0))).isTrue();
      String cancelled = body(dashboard, ids.get(2));
      assertThat(cancelled.substring(cancelled.indexOf("id=\"job-workflow\"")))
          .contains(
              "class=\"current\"",
              "s-cancelled",
              "job " + ids.get(0) + " (" + DemoTasks.WELCOME + ") was cancelled");
    }
  }

  private static String body(Dashboard dashboard, long id) {
    return dashboard.handle(DashboardRequest.get("/jobs/" + id, "")).bodyText();
  }
}
