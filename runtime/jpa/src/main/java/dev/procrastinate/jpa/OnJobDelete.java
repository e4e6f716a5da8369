package dev.procrastinate.jpa;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares what happens to this entity's row when the job its field references is deleted. Put it
 * on a {@code @ManyToOne} or {@code @OneToOne} field of type {@link ProcrastinateJob} whose join
 * column has no JPA-generated foreign key:
 *
 * <pre>{@code
 * @ManyToOne(fetch = FetchType.LAZY)
 * @JoinColumn(name = "procrastinate_job_id",
 *     foreignKey = @ForeignKey(ConstraintMode.NO_CONSTRAINT))
 * @OnJobDelete(OnDelete.SET_NULL)
 * private ProcrastinateJob job;
 * }</pre>
 *
 * <p>The annotation processor records each such field (table, join column, action) in {@code
 * META-INF/procrastinate/relations.properties} and checks it at compile time; {@code mvn
 * procrastinate:relation-sql} writes the migration that adds the foreign key with this {@code ON
 * DELETE} action. The database enforces it: the annotation changes nothing at run time.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.FIELD, ElementType.METHOD})
public @interface OnJobDelete {
  /**
   * The action.
   *
   * @return what PostgreSQL does to the referencing row
   */
  OnDelete value();
}
