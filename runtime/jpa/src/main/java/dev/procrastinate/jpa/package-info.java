/**
 * Read-only JPA entities over the Procrastinate tables, and the annotation that declares what
 * happens to an application's row when the job it references is deleted. Usable with any JPA
 * provider: plain Hibernate, Spring Boot (whose starter registers these entities with the
 * application's entity manager), Quarkus.
 *
 * <h2>Design</h2>
 *
 * <p>{@link dev.procrastinate.jpa.ProcrastinateJob} and {@link
 * dev.procrastinate.jpa.ProcrastinateEvent} map {@code procrastinate_jobs} and {@code
 * procrastinate_events} as they are: the contract's tables, written only by the contract's SQL
 * functions. So the entities have no setters, are {@code @Immutable} under Hibernate, and a persist
 * or remove of one fails in {@link dev.procrastinate.jpa.ReadOnlyEntityListener} with a message
 * saying how to change jobs instead (the analogue of Django Procrastinate's {@code
 * ProcrastinateReadOnlyRouter}). The PostgreSQL enum columns are read as text ({@code status ||
 * ''}), so that queries compare them with text parameters and the entities need no
 * provider-specific type.
 *
 * <p>An application entity references a job with a {@code @ManyToOne} or {@code @OneToOne} to
 * {@link dev.procrastinate.jpa.ProcrastinateJob}, {@code NO_CONSTRAINT} foreign key, and {@link
 * dev.procrastinate.jpa.OnJobDelete}: the annotation processor records the relation and checks it
 * at compile time, and {@code mvn procrastinate:relation-sql} writes the foreign key with the
 * chosen {@code ON DELETE} action.
 */
@NullMarked
package dev.procrastinate.jpa;

import org.jspecify.annotations.NullMarked;
