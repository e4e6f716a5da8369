package dev.procrastinate.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.procrastinate.ArgumentsException;
import dev.procrastinate.internal.json.Json;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskParameter;
import dev.procrastinate.spi.TypeRef;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Decoding a job's JSON {@code args}: strict types, and messages that say what does not fit. */
class JsonTaskArgumentsTest {
  private static final ObjectMapper MAPPER = Json.newMapper();

  private static final TaskDescriptor TASK =
      TaskDescriptor.builder("shop.tasks.ship")
          .parameter(TaskParameter.required("order_id", "long"))
          .parameter(TaskParameter.required("count", "int"))
          .parameter(TaskParameter.required("small", "byte"))
          .parameter(TaskParameter.required("ratio", "double"))
          .parameter(TaskParameter.required("express", "boolean"))
          .parameter(TaskParameter.required("grade", "char"))
          .parameter(TaskParameter.required("label", "java.lang.String"))
          .parameter(TaskParameter.required("boxed", "java.lang.Integer"))
          .parameter(TaskParameter.required("price", "java.math.BigDecimal"))
          .parameter(TaskParameter.required("when", "java.time.OffsetDateTime"))
          .parameter(TaskParameter.required("tags", "java.util.List<java.lang.String>"))
          .parameter(TaskParameter.optional("note", "java.util.Optional<java.lang.String>"))
          .build((context, args) -> null);

  private static final String VALID =
      """
      {"order_id": 12, "count": 3, "small": -1, "ratio": 2, "express": true, "grade": "x",
       "label": "box", "boxed": null, "price": 10.50, "when": "2026-01-01T10:00:00+01:00",
       "tags": ["a", "b"]}
      """;

  private static JsonTaskArguments parse(String json) {
    return JsonTaskArguments.parse(TASK, json, MAPPER);
  }

  @Test
  void decodesEveryKindStrictly() {
    JsonTaskArguments args = parse(VALID);
    assertThat(args.taskName()).isEqualTo("shop.tasks.ship");
    assertThat(args.getLong("order_id")).isEqualTo(12L);
    assertThat(args.getInt("count")).isEqualTo(3);
    assertThat(args.getByte("small")).isEqualTo((byte) -1);
    assertThat(args.getDouble("ratio")).isEqualTo(2.0);
    assertThat(args.getBoolean("express")).isTrue();
    assertThat(args.getChar("grade")).isEqualTo('x');
    assertThat(args.get("label", String.class)).isEqualTo("box");
    assertThat(args.get("boxed", Integer.class)).isNull();
    assertThat(args.get("count", Integer.class)).isEqualTo(3);
    assertThat(args.get("price", BigDecimal.class)).isEqualTo(new BigDecimal("10.50"));
    assertThat(args.get("when", OffsetDateTime.class))
        .isEqualTo(OffsetDateTime.parse("2026-01-01T10:00:00+01:00"));
    assertThat(args.get("tags", new TypeRef<List<String>>() {})).containsExactly("a", "b");
    assertThat(args.getOptional("note", String.class)).isEmpty();
    assertThat(args.has("note")).isFalse();
    assertThat(args.has("boxed")).isTrue();
  }

  @Test
  void optionalArgumentsDecodeWhenPresent() {
    JsonTaskArguments args = parse(VALID.replace("\"tags\"", "\"note\": \"hi\", \"tags\""));
    assertThat(args.getOptional("note", String.class)).contains("hi");
    assertThat(args.getOptional("tags", new TypeRef<List<String>>() {}))
        .contains(List.of("a", "b"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "order_id | \"12\" | must be long (a JSON integer in range), but the job's args give it \"12\" (a JSON string)",
        "order_id | 1.5 | must be long (a JSON integer in range), but the job's args give it 1.5 (a JSON fraction)",
        "order_id | 99999999999999999999 | must be long (a JSON integer in range)",
        "count | 3000000000 | must be int (a JSON integer in range), but the job's args give it 3000000000 (a JSON integer)",
        "small | 200 | must be byte (a JSON integer in range)",
        "ratio | \"2\" | must be double (a JSON number)",
        "express | 1 | must be boolean (JSON true or false), but the job's args give it 1 (a JSON integer)",
        "express | \"true\" | must be boolean (JSON true or false)",
        "grade | \"xy\" | must be char (a JSON string of one character)",
        "label | 5 | must be java.lang.String (a JSON string), but the job's args give it 5 (a JSON integer)",
        "label | null | must be",
        "tags | \"a\" | must be java.util.List<java.lang.String> (JSON that maps to it), but the job's args give it \"a\" (a JSON string)",
        "tags | [1] | must be java.util.List<java.lang.String>",
        "when | \"yesterday\" | must be java.time.OffsetDateTime"
      })
  void wrongJsonTypesNameTaskArgumentTypeAndValue(String name, String json, String expected)
      throws Exception {
    ObjectNode tree = (ObjectNode) MAPPER.readTree(VALID);
    tree.set(name, MAPPER.readTree(json));
    JsonTaskArguments args = parse(MAPPER.writeValueAsString(tree));
    assertThatThrownBy(() -> decode(args, name))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageStartingWith("task 'shop.tasks.ship': argument '" + name + "' ")
        .hasMessageContaining(expected);
  }

  private static Object decode(JsonTaskArguments args, String name) {
    return switch (name) {
      case "order_id" -> args.getLong(name);
      case "count" -> args.getInt(name);
      case "small" -> args.getByte(name);
      case "ratio" -> args.getDouble(name);
      case "express" -> args.getBoolean(name);
      case "grade" -> args.getChar(name);
      case "label" -> requireNonNull(args.get(name, String.class));
      case "tags" -> requireNonNull(args.get(name, new TypeRef<List<String>>() {}));
      case "when" -> requireNonNull(args.get(name, OffsetDateTime.class));
      default -> throw new AssertionError(name);
    };
  }

  private static Object requireNonNull(Object value) {
    if (value == null) {
      throw new ArgumentsException("task 'shop.tasks.ship': argument 'label' must be non-null");
    }
    return value;
  }

  @Test
  void missingRequiredArgumentIsRejectedUpFront() {
    assertThatThrownBy(() -> parse(VALID.replace("\"count\": 3,", "")))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageStartingWith("task 'shop.tasks.ship': argument 'count' of type int is missing;")
        .hasMessageContaining("\"order_id\":12");
  }

  @Test
  void unknownArgumentIsRejectedUpFront() {
    assertThatThrownBy(
            () -> parse(VALID.replace("\"count\": 3,", "\"count\": 3, \"colour\": [1],")))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageStartingWith(
            "task 'shop.tasks.ship' has no parameter 'colour', but the job's args give it [1] (a"
                + " JSON array)");
  }

  @Test
  void argsThatAreNotAJsonObjectAreRejected() {
    assertThatThrownBy(() -> parse("[1, 2]"))
        .isInstanceOf(ArgumentsException.class)
        .hasMessage(
            "task 'shop.tasks.ship': args must be a JSON object keyed by argument name, but"
                + " received [1,2] (a JSON array)");
    assertThatThrownBy(() -> parse("{\"order_id\": "))
        .isInstanceOf(ArgumentsException.class)
        .hasMessageStartingWith("task 'shop.tasks.ship': args are not valid JSON");
  }

  @Test
  void longValuesAreAbbreviatedInMessages() {
    String label = "x".repeat(500);
    JsonTaskArguments args =
        parse(VALID.replace("\"label\": \"box\"", "\"label\": [\"" + label + "\"]"));
    assertThatThrownBy(() -> args.get("label", String.class))
        .isInstanceOf(ArgumentsException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
  }

  @Test
  void theAppsMapperIsNotChanged() throws Exception {
    parse(VALID);
    assertThat(MAPPER.readValue("\"12\"", Long.class)).isEqualTo(12L);
  }
}
