package dev.procrastinate.example;

import dev.procrastinate.test.JobMatch;
import dev.procrastinate.test.ProcrastinateTest;
import dev.procrastinate.test.TestJobs;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example test of "Testing code that defers jobs" in runtime/docs/testing.md, as an application
 * writes it.
 */
@ProcrastinateTest
class WelcomeMailIT {
  @Test
  void signupDefersTheWelcomeMail(TestJobs jobs) {
    SendWelcomeDeferrer.defer(42, "welcome"); // what the code under test does

    jobs.assertDeferred(
        JobMatch.task(SendWelcomeDeferrer.class)
            .args(Map.of("user_id", 42, "template", "welcome"))
            .queue("emails"));
    jobs.runDue(); // runs it here, in this thread; a failure fails the test with its exception
    jobs.assertNothingDeferred();
  }
}
