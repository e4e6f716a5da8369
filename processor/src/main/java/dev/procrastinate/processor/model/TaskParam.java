package dev.procrastinate.processor.model;

import com.palantir.javapoet.TypeName;
import javax.lang.model.type.TypeMirror;

/**
 * One parameter of a {@code @Task} method.
 *
 * @param javaName the Java parameter name
 * @param jsonName the key in the JSON {@code args} object
 * @param type the parameter type
 * @param typeName its JavaPoet name
 * @param kind how it is decoded
 * @param elementTypeName for {@link Kind#OPTIONAL_CLASS} and {@link Kind#OPTIONAL_GENERIC}, the
 *     type inside the {@code Optional}; otherwise {@code typeName}
 */
public record TaskParam(
    String javaName,
    String jsonName,
    TypeMirror type,
    TypeName typeName,
    Kind kind,
    TypeName elementTypeName) {

  /** How a parameter gets its value. */
  public enum Kind {
    /** The job context, passed by the worker. */
    CONTEXT,
    /** A primitive, decoded with {@code getInt} and its siblings. */
    PRIMITIVE,
    /** A type without type arguments, decoded with {@code get(name, Foo.class)}. */
    CLASS,
    /** A type with type arguments, decoded with {@code get(name, new TypeRef<...>() {})}. */
    GENERIC,
    /** {@code Optional<Foo>}, decoded with {@code getOptional(name, Foo.class)}. */
    OPTIONAL_CLASS,
    /** {@code Optional<List<Foo>>} and the like, decoded with a {@code TypeRef}. */
    OPTIONAL_GENERIC
  }
}
