package dev.procrastinate.internal.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.spi.TaskArguments;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TypeRef;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.WeakHashMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link TaskArguments} over a job's JSON {@code args} object, decoded with a strict copy of the
 * app's mapper: no coercion from strings to numbers or booleans, from numbers or booleans to
 * strings, or from fractions to integers; offsets of date-times are kept. Not thread-safe: one
 * instance per job run. Not API.
 */
public final class JsonTaskArguments implements TaskArguments {
  private static final int MAX_VALUE_CHARS = 200;
  private static final Map<ObjectMapper, ObjectMapper> STRICT_MAPPERS =
      Collections.synchronizedMap(new WeakHashMap<>());

  private final String taskName;
  private final ObjectNode args;
  private final ObjectMapper mapper;
  private final Map<String, TaskParameter> parameters;

  private JsonTaskArguments(TaskDescriptor task, ObjectNode args, ObjectMapper mapper) {
    this.taskName = task.name();
    this.args = args;
    this.mapper = mapper;
    Map<String, TaskParameter> byName = new LinkedHashMap<>();
    task.parameters().forEach(parameter -> byName.put(parameter.name(), parameter));
    this.parameters = byName;
  }

  /**
   * Parses a job's {@code args} and checks its keys against the task's parameters.
   *
   * @param task the task
   * @param argsJson the job's {@code args}, a JSON object
   * @param mapper the app's JSON mapper
   * @return the arguments
   * @throws ArgumentsException if the text is not a JSON object, a required argument is missing, or
   *     a key is not a parameter of the task
   */
  public static JsonTaskArguments parse(TaskDescriptor task, String argsJson, ObjectMapper mapper) {
    Objects.requireNonNull(argsJson, "argsJson");
    ObjectMapper strict = strict(mapper);
    JsonNode tree;
    try {
      tree = strict.reader().readTree(argsJson);
    } catch (IOException e) {
      throw new ArgumentsException(
          "task '" + task.name() + "': args are not valid JSON: " + abbreviate(argsJson), e);
    }
    if (!(tree instanceof ObjectNode object)) {
      throw new ArgumentsException(
          "task '"
              + task.name()
              + "': args must be a JSON object keyed by argument name, but received "
              + describe(tree));
    }
    return of(task, object, mapper);
  }

  /**
   * Wraps a job's {@code args} and checks its keys against the task's parameters.
   *
   * @param task the task
   * @param args the job's {@code args}
   * @param mapper the app's JSON mapper
   * @return the arguments
   * @throws ArgumentsException if a required argument is missing or a key is not a parameter of the
   *     task
   */
  public static JsonTaskArguments of(TaskDescriptor task, ObjectNode args, ObjectMapper mapper) {
    JsonTaskArguments arguments = new JsonTaskArguments(task, args, strict(mapper));
    arguments.checkKeys();
    return arguments;
  }

  private void checkKeys() {
    for (Map.Entry<String, JsonNode> field : args.properties()) {
      if (!parameters.containsKey(field.getKey())) {
        throw new ArgumentsException(
            "task '"
                + taskName
                + "' has no parameter '"
                + field.getKey()
                + "', but the job's args give it "
                + describe(field.getValue())
                + "; its parameters are "
                + (parameters.isEmpty() ? "none" : parameters.values())
                + ". Defer the job without this argument, or add the parameter to the task"
                + " (use @Arg(\""
                + field.getKey()
                + "\") to keep a different Java name)");
      }
    }
    for (TaskParameter parameter : parameters.values()) {
      if (parameter.isRequired() && !args.has(parameter.name())) {
        throw missing(parameter.name(), parameter.javaType());
      }
    }
  }

  private static ObjectMapper strict(ObjectMapper mapper) {
    Objects.requireNonNull(mapper, "mapper");
    return STRICT_MAPPERS.computeIfAbsent(mapper, JsonTaskArguments::newStrictMapper);
  }

  private static ObjectMapper newStrictMapper(ObjectMapper mapper) {
    ObjectMapper strict = mapper.copy();
    strict
        .coercionConfigFor(LogicalType.Integer)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    strict
        .coercionConfigFor(LogicalType.Float)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    strict
        .coercionConfigFor(LogicalType.Boolean)
        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
    strict
        .coercionConfigFor(LogicalType.Textual)
        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
    strict
        .coercionConfigDefaults()
        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
    strict.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
    strict
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    return strict;
  }

  @Override
  public String taskName() {
    return taskName;
  }

  @Override
  public boolean has(String name) {
    return args.has(name);
  }

  @Override
  public <T> @Nullable T get(String name, Class<T> type) {
    JsonNode node = required(name, type.getTypeName());
    if (node.isNull()) {
      if (type.isPrimitive()) {
        throw mismatch(name, type.getTypeName(), node);
      }
      return null;
    }
    Object scalar = scalar(name, type, node);
    if (scalar != null) {
      return type.cast(scalar);
    }
    return read(name, mapper.getTypeFactory().constructType(type), node);
  }

  @Override
  public <T> @Nullable T get(String name, TypeRef<T> type) {
    JsonNode node = required(name, type.type().getTypeName());
    if (node.isNull()) {
      return null;
    }
    return read(name, mapper.getTypeFactory().constructType(type.type()), node);
  }

  @Override
  public <T> Optional<T> getOptional(String name, Class<T> type) {
    JsonNode node = args.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    return Optional.ofNullable(get(name, type));
  }

  @Override
  public <T> Optional<T> getOptional(String name, TypeRef<T> type) {
    JsonNode node = args.get(name);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    return Optional.ofNullable(get(name, type));
  }

  @Override
  public boolean getBoolean(String name) {
    JsonNode node = required(name, "boolean");
    if (!node.isBoolean()) {
      throw mismatch(name, "boolean", node);
    }
    return node.booleanValue();
  }

  @Override
  public byte getByte(String name) {
    return (byte) integral(name, "byte", Byte.MIN_VALUE, Byte.MAX_VALUE);
  }

  @Override
  public short getShort(String name) {
    return (short) integral(name, "short", Short.MIN_VALUE, Short.MAX_VALUE);
  }

  @Override
  public int getInt(String name) {
    return (int) integral(name, "int", Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  @Override
  public long getLong(String name) {
    return integral(name, "long", Long.MIN_VALUE, Long.MAX_VALUE);
  }

  @Override
  public float getFloat(String name) {
    return (float) number(name, "float");
  }

  @Override
  public double getDouble(String name) {
    return number(name, "double");
  }

  @Override
  public char getChar(String name) {
    JsonNode node = required(name, "char");
    if (!node.isTextual() || node.textValue().length() != 1) {
      throw mismatch(name, "char", node);
    }
    return node.textValue().charAt(0);
  }

  /** Decodes the JSON scalars whose Java type has a strict rule here; null for any other type. */
  private @Nullable Object scalar(String name, Class<?> type, JsonNode node) {
    if (type == String.class) {
      if (!node.isTextual()) {
        throw mismatch(name, "java.lang.String", node);
      }
      return node.textValue();
    }
    if (type == Boolean.class || type == boolean.class) {
      return getBoolean(name);
    }
    if (type == Byte.class || type == byte.class) {
      return getByte(name);
    }
    if (type == Short.class || type == short.class) {
      return getShort(name);
    }
    if (type == Integer.class || type == int.class) {
      return getInt(name);
    }
    if (type == Long.class || type == long.class) {
      return getLong(name);
    }
    if (type == Float.class || type == float.class) {
      return getFloat(name);
    }
    if (type == Double.class || type == double.class) {
      return getDouble(name);
    }
    if (type == Character.class || type == char.class) {
      return getChar(name);
    }
    return null;
  }

  private long integral(String name, String typeName, long min, long max) {
    JsonNode node = required(name, typeName);
    if (!node.isIntegralNumber() || !node.canConvertToLong()) {
      throw mismatch(name, typeName, node);
    }
    long value = node.longValue();
    if (value < min || value > max) {
      throw mismatch(name, typeName, node);
    }
    return value;
  }

  private double number(String name, String typeName) {
    JsonNode node = required(name, typeName);
    if (!node.isNumber()) {
      throw mismatch(name, typeName, node);
    }
    return node.doubleValue();
  }

  private <T> T read(String name, JavaType type, JsonNode node) {
    ObjectReader reader = mapper.readerFor(type);
    try {
      return reader.readValue(node);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      String detail =
          e instanceof JsonProcessingException processing
              ? processing.getOriginalMessage()
              : e.getMessage();
      throw new ArgumentsException(
          mismatchText(name, typeName(type.getRawClass(), type), node) + " (" + detail + ")", e);
    } catch (IOException e) {
      throw new ArgumentsException(mismatchText(name, type.toCanonical(), node), e);
    }
  }

  private static String typeName(Class<?> raw, JavaType type) {
    return type.hasGenericTypes() ? type.toCanonical() : raw.getTypeName();
  }

  private JsonNode required(String name, String expected) {
    JsonNode node = args.get(name);
    if (node == null) {
      throw missing(name, expected);
    }
    return node;
  }

  private ArgumentsException missing(String name, String expected) {
    return new ArgumentsException(
        "task '"
            + taskName
            + "': argument '"
            + name
            + "' of type "
            + expected
            + " is missing; the job's args are "
            + abbreviate(args.toString())
            + ". Defer the job with this argument, or make the parameter an Optional");
  }

  private ArgumentsException mismatch(String name, String expected, JsonNode node) {
    return new ArgumentsException(mismatchText(name, expected, node));
  }

  private String mismatchText(String name, String expected, JsonNode node) {
    return "task '"
        + taskName
        + "': argument '"
        + name
        + "' must be "
        + expected
        + " ("
        + expectedJson(expected)
        + "), but the job's args give it "
        + describe(node);
  }

  private static String expectedJson(String expected) {
    switch (expected) {
      case "boolean":
      case "java.lang.Boolean":
        return "JSON true or false";
      case "byte":
      case "short":
      case "int":
      case "long":
      case "java.lang.Byte":
      case "java.lang.Short":
      case "java.lang.Integer":
      case "java.lang.Long":
        return "a JSON integer in range";
      case "float":
      case "double":
      case "java.lang.Float":
      case "java.lang.Double":
        return "a JSON number";
      case "char":
      case "java.lang.Character":
        return "a JSON string of one character";
      case "java.lang.String":
        return "a JSON string";
      default:
        return "JSON that maps to it";
    }
  }

  private static String describe(JsonNode node) {
    JsonNodeType type = node.getNodeType();
    String kind =
        switch (type) {
          case NULL -> "JSON null";
          case BOOLEAN -> "a JSON boolean";
          case NUMBER -> node.isIntegralNumber() ? "a JSON integer" : "a JSON fraction";
          case STRING -> "a JSON string";
          case ARRAY -> "a JSON array";
          case OBJECT, POJO -> "a JSON object";
          default -> "JSON " + type.name().toLowerCase(java.util.Locale.ROOT);
        };
    return abbreviate(node.toString()) + " (" + kind + ")";
  }

  private static String abbreviate(String text) {
    return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS) + "…";
  }
}
