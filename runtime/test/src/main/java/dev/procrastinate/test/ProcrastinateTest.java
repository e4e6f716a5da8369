package dev.procrastinate.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Gives a test class an {@link dev.procrastinate.App} on a fresh schema of a real PostgreSQL,
 * installed as the default app so that generated deferrers in the code under test write there; its
 * tests take {@link TestJobs} (and {@link dev.procrastinate.App}) as parameters.
 *
 * <pre>{@code
 * @ProcrastinateTest
 * class SignupTest {
 *   @Test
 *   void signupSendsTheWelcomeMail(TestJobs jobs) {
 *     signup.register("ada@example.com");
 *     jobs.assertDeferred(JobMatch.task(SendWelcomeDeferrer.class).args(Map.of("email", "ada@example.com")));
 *     jobs.runDue();
 *   }
 * }
 * }</pre>
 *
 * <p>The database, in this order: the test settings {@code PROCRASTINATE_TEST_DATABASE_URL}, {@code
 * _USER}, {@code _PASSWORD} (or system properties {@code procrastinate.test.database.url}, {@code
 * .user}, {@code .password}); else a PostgreSQL container when Testcontainers' {@code
 * testcontainers-postgresql} is on the test class path and Docker is there; else the application's
 * own settings ({@code procrastinate.url}..., as {@link
 * dev.procrastinate.AppConfig#fromEnvironment()} reads them). Only a schema of the test's own is
 * created and dropped there.
 */
@Documented
@Inherited
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(ProcrastinateExtension.class)
@ResourceLock(ProcrastinateExtension.DEFAULT_APP_LOCK)
public @interface ProcrastinateTest {
  /**
   * Whether to run without a database: each defer runs its task at once in the caller's thread, its
   * arguments written to JSON and read back ({@link dev.procrastinate.App.Builder#inline()}).
   * {@link TestJobs} is then not available.
   *
   * @return true for the inline mode (default false)
   */
  boolean inline() default false;
}
