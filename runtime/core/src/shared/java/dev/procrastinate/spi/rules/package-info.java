/**
 * The rules that both the annotation processor and the runtime enforce: the cron syntax of
 * {@code @Periodic} ({@link dev.procrastinate.spi.rules.CronSyntax}), the limits on queue and task
 * names ({@link dev.procrastinate.spi.rules.NameLimits}) and the grammar of rate limits ({@link
 * dev.procrastinate.spi.rules.RateSyntax}). Part of the contract between the processor and the
 * runtime, as the rest of {@code spi}; generated code does not call it, and applications should
 * not: it may change in any release.
 *
 * <h2>Why a shared source root</h2>
 *
 * <p>The processor checks a task at compile time and the runtime checks the same values when a job
 * is deferred or a schedule is read, so the two must accept exactly the same inputs. The processor
 * runs on {@code annotationProcessorPaths} and refers to runtime types by name only, so it cannot
 * depend on the runtime jar (that would pull HikariCP, Flyway and the JDBC driver into javac).
 * These sources therefore live in one directory, {@code runtime/core/src/shared/java}, which {@code
 * build-helper-maven-plugin} adds as a source root to both {@code runtime/core} and {@code
 * processor}; each jar carries its own compiled copy of the same source files. The alternatives
 * were weighed and set aside:
 *
 * <ul>
 *   <li>a separate artifact both modules depend on would be a module no user depends on for its own
 *       sake, which the design reserves for deliverables;
 *   <li>shading these classes from the runtime jar into the processor jar would put the whole
 *       runtime on the processor's compile class path, where nothing stops other runtime types from
 *       creeping in, and the processor would only work once packaged, not from {@code
 *       target/classes}.
 * </ul>
 *
 * <p>The two copies never meet in a harmful way: javac loads a processor from its own processor
 * path, apart from the application's class path, so an application sees only the runtime's copy.
 * Where both are on one class path, in the processor's own tests, they are built from the same
 * files with the same compiler settings, and a test there checks that the class files are identical
 * and that the processor and the runtime accept and reject the same expressions and names.
 *
 * <p>The package depends only on the JDK, cron-utils and JSpecify, which both modules already use,
 * and on nothing else of the runtime: the processor compiles it without the runtime on its class
 * path, so an import of any other runtime type fails the processor's build.
 */
@NullMarked
package dev.procrastinate.spi.rules;

import org.jspecify.annotations.NullMarked;
