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
 * dev.procrastinate.AppConfig#fromEnvironment()} reads them, else {@code spring.datasource.url} of
 * its {@code application.properties} or {@code .yml}). Only a schema of the test's own is created
 * and dropped there.
 *
 * <p>In a Spring test context ({@code @SpringBootTest}, or a slice such as {@code @DataJpaTest},
 * with {@code procrastinate-spring-boot-starter}), the test uses the context's app instead, so that
 * the services' defers and the task beans are the ones tested: the context's data source points at
 * a database of the test run's own, made on the server of {@code PROCRASTINATE_TEST_DATABASE_URL}
 * when set, else of {@code spring.datasource.url}, and dropped when the JVM ends (a Testcontainers
 * {@code @ServiceConnection} is used as it is); the in-app worker is off unless the test sets
 * {@code procrastinate.worker.enabled=true}; the job tables are emptied before each test; {@link
 * TestJobs#runDue()} runs jobs on their beans; {@code inline = true} makes the context's app
 * inline.
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
