/**
 * {@link dev.procrastinate.test.ProcrastinateTest @ProcrastinateTest} inside a Spring test context
 * ({@code @SpringBootTest}, or a slice such as {@code @DataJpaTest}).
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li>{@link dev.procrastinate.test.spring.ProcrastinateContextCustomizerFactory}, listed in
 *       {@code META-INF/spring.factories}, takes part in building the context of a test class
 *       annotated {@code @ProcrastinateTest}, before the context refreshes. It adds a property
 *       source ranked just below the test's own properties ({@code @SpringBootTest(properties)},
 *       {@code @TestPropertySource}), so that a test can still ask otherwise: the in-app worker is
 *       off ({@code procrastinate.worker.enabled=false}); {@code inline = true} makes the starter's
 *       app inline ({@code procrastinate.inline=true}); a slice keeps the PostgreSQL data source
 *       ({@code spring.test.database.replace=none}); and the context's {@code
 *       spring.datasource.url} points at a database of the test run's own, created on the server of
 *       {@code PROCRASTINATE_TEST_DATABASE_URL} when set, else of {@code spring.datasource.url},
 *       and dropped when the JVM ends ({@link dev.procrastinate.test.spring.TestDatabases}). A data
 *       source from a Testcontainers {@code @ServiceConnection} is a throw-away database already,
 *       and Spring Boot prefers it to the URL.
 *   <li>The customizer's identity is its settings, so test classes with the same configuration
 *       share one cached context, and one test database.
 *   <li>The JUnit extension then finds the context's {@link dev.procrastinate.App} bean (through
 *       {@code SpringExtension.getApplicationContext}), installs it as the default app for the
 *       class, and gives tests a {@link dev.procrastinate.test.TestJobs} on it, which empties the
 *       job tables before each test with DELETE (so the application's foreign keys to jobs act as
 *       they were declared) and runs due jobs on the task beans.
 * </ul>
 */
@NullMarked
package dev.procrastinate.test.spring;

import org.jspecify.annotations.NullMarked;
