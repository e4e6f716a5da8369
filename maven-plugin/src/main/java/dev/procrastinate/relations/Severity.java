package dev.procrastinate.relations;

/** How much a {@link Finding} matters. */
public enum Severity {
  /** The migration would fail, or the relation would break the application: fix it first. */
  ERROR,
  /** The migration would work but something will likely go wrong later. */
  WARNING,
  /** Worth knowing; nothing to fix. */
  INFO
}
