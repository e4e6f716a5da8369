package dev.procrastinate.processor.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON object reader behind {@code @Periodic(args)}. */
class JsonTextTest {
  @Test
  void returnsTopLevelKeysInOrder() {
    assertThat(
            JsonText.objectKeys(
                " {\"b\": [1, -2.5e3, true, null, {\"x\": \"\\u00e9\\n\"}], \"a\": {}, \"c\": \"\"} "))
        .containsExactly("b", "a", "c");
    assertThat(JsonText.objectKeys("{}")).isEmpty();
  }

  @Test
  void tellsTheKindOfEachTopLevelValue() {
    assertThat(
            JsonText.object(
                "{\"o\": {\"x\": [1]}, \"a\": [], \"s\": \"\", \"i\": -0, \"f\": 1.0,"
                    + " \"e\": 1e3, \"b\": true, \"n\": null}"))
        .containsExactly(
            java.util.Map.entry("o", JsonText.Kind.OBJECT),
            java.util.Map.entry("a", JsonText.Kind.ARRAY),
            java.util.Map.entry("s", JsonText.Kind.STRING),
            java.util.Map.entry("i", JsonText.Kind.INTEGER),
            java.util.Map.entry("f", JsonText.Kind.FRACTION),
            java.util.Map.entry("e", JsonText.Kind.FRACTION),
            java.util.Map.entry("b", JsonText.Kind.BOOLEAN),
            java.util.Map.entry("n", JsonText.Kind.NULL));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "{",
        "{\"a\"}",
        "{\"a\": }",
        "{\"a\": 1,}",
        "{\"a\": 01}",
        "{\"a\": tru}",
        "{'a': 1}",
        "{\"a\": 1} {}",
        "{\"a\": 1, \"a\": 2}",
        "{\"a\": \"\\x\"}"
      })
  void rejectsWhatIsNotOneJsonObject(String text) {
    assertThatThrownBy(() -> JsonText.objectKeys(text))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
