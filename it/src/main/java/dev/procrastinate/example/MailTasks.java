package dev.procrastinate.example;

import dev.procrastinate.Arg;
import dev.procrastinate.Retry;
import dev.procrastinate.Task;
import java.io.IOException;

/** Mail tasks, named as a Python service of the same queue names them. */
public final class MailTasks {
  private MailTasks() {}

  /**
   * Sends the welcome mail of a user.
   *
   * @param userId the user, {@code user_id} in the job's arguments
   * @param template the template name
   * @return what was sent, for the log
   */
  @Task(
      name = "myapp.tasks.send_welcome",
      queue = "emails",
      retry = @Retry(maxAttempts = 5, exponentialWait = 2, retryOn = IOException.class))
  public static String sendWelcome(@Arg("user_id") long userId, String template) {
    return "welcome mail " + template + " to user " + userId;
  }
}
