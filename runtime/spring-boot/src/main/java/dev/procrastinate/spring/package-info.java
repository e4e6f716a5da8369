/**
 * Spring Boot auto-configuration of procrastinate-java, for Spring Boot 3.5 and 4.0: the Java form
 * of Django Procrastinate's integration.
 *
 * <h2>Design</h2>
 *
 * <ul>
 *   <li><b>One app from the application's {@code DataSource}.</b> {@link
 *       dev.procrastinate.spring.ProcrastinateAutoConfiguration} builds the {@link
 *       dev.procrastinate.App} on the application's own pool, wrapped in {@link
 *       dev.procrastinate.spring.SpringTransactionDataSource}, and installs it as {@link
 *       dev.procrastinate.App#getDefault()}, so generated deferrers use it. {@code AppConfigurer}
 *       and {@code JobObserver} beans configure it before it is built; the configurers listed in
 *       {@code META-INF/services} still run, last, in {@code App.Builder#build()}.
 *   <li><b>Bean tasks.</b> The app's {@link dev.procrastinate.TaskInstanceProvider} looks up the
 *       unique bean of a {@code @Task} instance method's class, so the method runs on the bean (its
 *       injected dependencies, its proxies); a class that is no bean falls back to its constructor
 *       without parameters.
 *   <li><b>Flyway's baseline.</b> {@link dev.procrastinate.spring.FlywayBaselineAfterProcrastinate}
 *       lets the application's Flyway start on a database whose only tables are ours, when they are
 *       in a schema that Flyway manages and the application has not chosen a baseline.
 *   <li><b>Transactions.</b> The wrapper hands out the connection of the current Spring-managed
 *       transaction when there is one, with commit, rollback and close left to the transaction
 *       manager: a defer inside {@code @Transactional} is written on the transaction's connection
 *       and becomes visible, with its NOTIFY (sent by the jobs table's trigger), at commit, or
 *       never. Outside a transaction a pooled connection in autocommit mode commits at once. The
 *       core needed no change for this: it runs every statement on a connection of its data source,
 *       and joins a connection that is not in autocommit mode.
 *   <li><b>Migrations.</b> {@link dev.procrastinate.spring.ProcrastinateSchemaInitializer} migrates
 *       at start-up; {@link dev.procrastinate.spring.ProcrastinateSchemaInitializerDetector} tells
 *       Spring Boot's database-initialization ordering that it is an initializer that comes first,
 *       so Flyway's and Liquibase's initializers, and every bean that depends on database
 *       initialization (the JPA entity manager factory, {@code JdbcTemplate}), wait for it.
 *   <li><b>The worker</b> ({@link dev.procrastinate.spring.ProcrastinateWorkerLifecycle}) starts on
 *       {@code ApplicationReadyEvent} and stops gracefully when the context closes, before the data
 *       source closes.
 *   <li><b>The dashboard</b>, when {@code procrastinate.dashboard.enabled=true} in a servlet web
 *       application with {@code procrastinate-dashboard}: {@link
 *       dev.procrastinate.spring.dashboard.ProcrastinateDashboardAutoConfiguration} mounts it at
 *       {@code procrastinate.dashboard.path}, behind the application's filters (Spring Security's
 *       included, whose CSRF token its forms carry).
 *   <li><b>Both Boot lines from one artifact.</b> Conditions and ordering name Boot's classes by
 *       string, with the class names of both lines (Boot 4 moved its auto-configurations into
 *       per-technology modules). Only the Actuator health API differs in type: {@link
 *       dev.procrastinate.spring.ProcrastinateHealthIndicator} implements Boot 4's and {@link
 *       dev.procrastinate.spring.ProcrastinateBoot3HealthIndicator} Boot 3's, both over {@link
 *       dev.procrastinate.spring.ProcrastinateHealth}.
 * </ul>
 */
@NullMarked
package dev.procrastinate.spring;

import org.jspecify.annotations.NullMarked;
