/**
 * Foreign keys from an application's tables to {@code procrastinate_jobs}: the Java form of the
 * hand-written Django migration that Procrastinate recommends (declare the relation without a
 * database constraint in the ORM, then add the real foreign key with {@code ON DELETE SET NULL} or
 * {@code CASCADE}, because jobs are deleted outside the ORM by the worker's delete-jobs policy and
 * by {@code remove_old_jobs}).
 *
 * <p>{@link dev.procrastinate.relations.Relation} describes one foreign key; {@link
 * dev.procrastinate.relations.RelationSql} writes the forward and reverse migrations of a list of
 * relations, byte for byte the same for the same input; {@link
 * dev.procrastinate.relations.RelationChecker} inspects a live database and reports, with a fix for
 * each, what would make the migration fail or the worker's deletes fail. The Maven goal {@code
 * procrastinate:relation-sql} is a thin adapter over these three.
 */
@NullMarked
package dev.procrastinate.relations;

import org.jspecify.annotations.NullMarked;
