/**
 * Support for {@link dev.procrastinate.relations}: quoting and shortening of PostgreSQL
 * identifiers, and the catalog queries behind {@link dev.procrastinate.relations.RelationChecker}.
 * Not API: may change without notice.
 */
@NullMarked
package dev.procrastinate.internal.relations;

import org.jspecify.annotations.NullMarked;
