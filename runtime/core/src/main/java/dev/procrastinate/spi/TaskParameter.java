package dev.procrastinate.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One keyword argument of a task: its key in the JSON {@code args} object and the Java type it is
 * decoded to. Immutable.
 */
public final class TaskParameter {
  private final String name;
  private final String javaType;
  private final boolean required;

  private TaskParameter(String name, String javaType, boolean required) {
    this.name = Objects.requireNonNull(name, "name");
    this.javaType = Objects.requireNonNull(javaType, "javaType");
    this.required = required;
  }

  /**
   * Describes a required argument.
   *
   * @param name the key in the JSON {@code args} object
   * @param javaType the Java type as source text, e.g. {@code java.util.List<java.lang.String>}
   * @return the parameter
   */
  public static TaskParameter required(String name, String javaType) {
    return new TaskParameter(name, javaType, true);
  }

  /**
   * Describes an argument that may be left out (an {@code Optional} parameter).
   *
   * @param name the key in the JSON {@code args} object
   * @param javaType the Java type as source text, e.g. {@code java.util.Optional<java.lang.String>}
   * @return the parameter
   */
  public static TaskParameter optional(String name, String javaType) {
    return new TaskParameter(name, javaType, false);
  }

  /**
   * Returns the key in the JSON {@code args} object.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the Java type as source text.
   *
   * @return the type
   */
  public String javaType() {
    return javaType;
  }

  /**
   * Tells whether a job must carry this argument.
   *
   * @return false for an {@code Optional} parameter
   */
  public boolean isRequired() {
    return required;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof TaskParameter other
        && name.equals(other.name)
        && javaType.equals(other.javaType)
        && required == other.required;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, javaType, required);
  }

  @Override
  public String toString() {
    return name + ": " + javaType + (required ? "" : " (optional)");
  }
}
