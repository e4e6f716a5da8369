/**
 * Testing support for applications that defer jobs: a JUnit 5 extension, assertions on deferred
 * jobs, running jobs in the test's own thread, and an inline mode.
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>{@link dev.procrastinate.test.ProcrastinateTest @ProcrastinateTest} registers {@link
 *       dev.procrastinate.test.ProcrastinateExtension} (Testcontainers' {@code @Testcontainers}
 *       shape: a class-level annotation, state kept in the {@code ExtensionContext} store). Before
 *       the class's tests it finds a PostgreSQL (the test settings, else a Testcontainers container
 *       when Docker is there, else the application's own settings), creates a schema of its own
 *       there, migrates it, builds an {@link dev.procrastinate.App} on it and installs it as the
 *       default app, so that generated deferrers in the code under test write there. Before each
 *       test the schema's job tables are emptied; after the class, the previous default app comes
 *       back and the schema is dropped.
 *   <li>{@link dev.procrastinate.test.TestJobs}, injected as a test parameter, asserts on the
 *       waiting jobs with a {@link dev.procrastinate.test.JobMatch} (task, arguments, queue, lock,
 *       priority, schedule) and runs due jobs in the test's thread, through the same executor a
 *       worker uses; a failed run is thrown as a {@link dev.procrastinate.test.JobFailuresError}
 *       carrying the task's exception. Time moves forward by moving the waiting jobs' {@code
 *       scheduled_at} back, so scheduled jobs and retries become due without waiting.
 *   <li>{@code @ProcrastinateTest(inline = true)} installs an {@link
 *       dev.procrastinate.App.Builder#inline() inline} default app instead: no database; a defer
 *       runs the task at once in the caller's thread, its arguments written to JSON and read back.
 * </ul>
 *
 * <p>Classes annotated {@code @ProcrastinateTest} hold a JUnit resource lock on the default app, so
 * JUnit never runs two of them at once.
 */
@NullMarked
package dev.procrastinate.test;

import org.jspecify.annotations.NullMarked;
