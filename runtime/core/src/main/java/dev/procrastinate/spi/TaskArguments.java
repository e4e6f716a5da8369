package dev.procrastinate.spi;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The keyword arguments of one job, decoded on demand by parameter name. Every method throws {@link
 * dev.procrastinate.ArgumentsException}, naming the task, the argument, the expected type and the
 * value received, when the argument is missing or its JSON does not fit the type.
 */
public interface TaskArguments {
  /**
   * Returns the name of the task whose arguments these are.
   *
   * @return the task name
   */
  String taskName();

  /**
   * Tells whether the arguments hold a key, even with a JSON {@code null}.
   *
   * @param name the argument name
   * @return true if present
   */
  boolean has(String name);

  /**
   * Decodes a required argument of a class type. JSON {@code null} gives null.
   *
   * @param <T> the type
   * @param name the argument name
   * @param type the class, e.g. {@code String.class}, an enum, a record or an array class
   * @return the value, or null for JSON {@code null}
   */
  <T> @Nullable T get(String name, Class<T> type);

  /**
   * Decodes a required argument of a generic type. JSON {@code null} gives null.
   *
   * @param <T> the type
   * @param name the argument name
   * @param type the type, e.g. {@code new TypeRef<List<String>>() {}}
   * @return the value, or null for JSON {@code null}
   */
  <T> @Nullable T get(String name, TypeRef<T> type);

  /**
   * Decodes an optional argument of a class type: missing or JSON {@code null} gives empty.
   *
   * @param <T> the element type
   * @param name the argument name
   * @param type the element class
   * @return the value, or empty
   */
  <T> Optional<T> getOptional(String name, Class<T> type);

  /**
   * Decodes an optional argument of a generic type: missing or JSON {@code null} gives empty.
   *
   * @param <T> the element type
   * @param name the argument name
   * @param type the element type
   * @return the value, or empty
   */
  <T> Optional<T> getOptional(String name, TypeRef<T> type);

  /**
   * Decodes a {@code boolean}: JSON {@code true} or {@code false}.
   *
   * @param name the argument name
   * @return the value
   */
  boolean getBoolean(String name);

  /**
   * Decodes a {@code byte}: a JSON integer in range.
   *
   * @param name the argument name
   * @return the value
   */
  byte getByte(String name);

  /**
   * Decodes a {@code short}: a JSON integer in range.
   *
   * @param name the argument name
   * @return the value
   */
  short getShort(String name);

  /**
   * Decodes an {@code int}: a JSON integer in range.
   *
   * @param name the argument name
   * @return the value
   */
  int getInt(String name);

  /**
   * Decodes a {@code long}: a JSON integer in range.
   *
   * @param name the argument name
   * @return the value
   */
  long getLong(String name);

  /**
   * Decodes a {@code float}: a JSON number.
   *
   * @param name the argument name
   * @return the value
   */
  float getFloat(String name);

  /**
   * Decodes a {@code double}: a JSON number.
   *
   * @param name the argument name
   * @return the value
   */
  double getDouble(String name);

  /**
   * Decodes a {@code char}: a JSON string of one character.
   *
   * @param name the argument name
   * @return the value
   */
  char getChar(String name);
}
