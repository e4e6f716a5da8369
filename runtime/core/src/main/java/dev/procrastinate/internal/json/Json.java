package dev.procrastinate.internal.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Builds the default JSON mapper, and reads and writes flat objects of strings. Not API. */
public final class Json {
  /**
   * The most bytes of JSON a job's result may take, 1 MiB; {@code JobManager.MAX_RESULT_BYTES}
   * gives it to applications.
   */
  public static final int MAX_RESULT_BYTES = 1 << 20;

  private static final ObjectMapper PLAIN = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRINGS = new TypeReference<>() {};

  private Json() {}

  /**
   * Writes a flat object of strings as JSON text.
   *
   * @param values the entries
   * @return the JSON object
   */
  public static String text(Map<String, String> values) {
    try {
      return PLAIN.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings cannot be written as JSON", e);
    }
  }

  /**
   * Reads a flat JSON object of strings, as {@link #text} writes it.
   *
   * @param json the JSON object, or null
   * @return the entries; empty for null
   * @throws IllegalArgumentException if the text is not such an object
   */
  public static Map<String, String> strings(@Nullable String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return PLAIN.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a JSON object of strings: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Returns a new mapper: java.time values as ISO-8601 strings, {@code Optional} support, records
   * and constructor parameter names.
   *
   * @return a new mapper
   */
  public static ObjectMapper newMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(new Jdk8Module())
        .addModule(new ParameterNamesModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .build();
  }
}
