package dev.procrastinate.relations;

import java.util.List;
import java.util.Set;

/**
 * What {@link RelationChecker#check(List)} found.
 *
 * @param findings every finding, database-wide ones first, then per relation in the order checked
 * @param largeTables the relations whose table is large enough to add the constraint {@code NOT
 *     VALID} and validate it separately
 */
public record RelationReport(List<Finding> findings, Set<Relation> largeTables) {
  /** Copies the collections. */
  public RelationReport {
    findings = List.copyOf(findings);
    largeTables = Set.copyOf(largeTables);
  }

  /**
   * Tells whether any finding is an {@link Severity#ERROR}.
   *
   * @return true if the migration should not be applied as things are
   */
  public boolean hasErrors() {
    return findings.stream().anyMatch(f -> f.severity() == Severity.ERROR);
  }

  /**
   * Returns the findings of one severity.
   *
   * @param severity the severity
   * @return the findings, in order
   */
  public List<Finding> findings(Severity severity) {
    return findings.stream().filter(f -> f.severity() == severity).toList();
  }

  /**
   * Returns the findings about one relation.
   *
   * @param relation the relation
   * @return the findings, in order
   */
  public List<Finding> findingsFor(Relation relation) {
    return findings.stream().filter(f -> relation.equals(f.relation())).toList();
  }

  /**
   * Tells whether a relation's table is large enough for {@code NOT VALID}.
   *
   * @param relation the relation
   * @return true if the renderer should add the constraint {@code NOT VALID}
   */
  public boolean isLarge(Relation relation) {
    return largeTables.contains(relation);
  }
}
