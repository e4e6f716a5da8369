package dev.procrastinate.processor.validation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A strict reader of JSON text (RFC 8259) that checks the syntax of a JSON object and returns its
 * top-level keys with the kind of their values, for {@code @Periodic(args)}. The processor has no
 * JSON library on its path.
 */
final class JsonText {
  /** The kind of a JSON value. */
  enum Kind {
    OBJECT,
    ARRAY,
    STRING,
    INTEGER,
    FRACTION,
    BOOLEAN,
    NULL
  }

  private final String text;
  private int pos;

  private JsonText(String text) {
    this.text = text;
  }

  /**
   * Returns the keys of a JSON object.
   *
   * @throws IllegalArgumentException if the text is not one JSON object, or repeats a key
   */
  static Set<String> objectKeys(String text) {
    return object(text).keySet();
  }

  /**
   * Returns the keys of a JSON object and the kinds of their values, in order.
   *
   * @throws IllegalArgumentException if the text is not one JSON object, or repeats a key
   */
  static Map<String, Kind> object(String text) {
    JsonText reader = new JsonText(text);
    reader.skipSpace();
    if (reader.peek() != '{') {
      throw new IllegalArgumentException(
          "it is not a JSON object; write e.g. {\"region\": \"eu\"}");
    }
    Map<String, Kind> keys = reader.object();
    reader.skipSpace();
    if (reader.pos != text.length()) {
      throw reader.fail("unexpected text after the object");
    }
    return keys;
  }

  private Map<String, Kind> object() {
    expect('{');
    Map<String, Kind> keys = new LinkedHashMap<>();
    skipSpace();
    if (peek() == '}') {
      pos++;
      return keys;
    }
    while (true) {
      skipSpace();
      String key = string();
      if (keys.containsKey(key)) {
        throw fail("key \"" + key + "\" appears twice");
      }
      skipSpace();
      expect(':');
      keys.put(key, value());
      skipSpace();
      char c = next();
      if (c == '}') {
        return keys;
      }
      if (c != ',') {
        throw fail("expected ',' or '}'");
      }
    }
  }

  private Kind value() {
    skipSpace();
    char c = peek();
    if (c == '{') {
      object();
      return Kind.OBJECT;
    }
    if (c == '[') {
      pos++;
      skipSpace();
      if (peek() == ']') {
        pos++;
        return Kind.ARRAY;
      }
      while (true) {
        value();
        skipSpace();
        char d = next();
        if (d == ']') {
          return Kind.ARRAY;
        }
        if (d != ',') {
          throw fail("expected ',' or ']'");
        }
      }
    }
    if (c == '"') {
      string();
      return Kind.STRING;
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
      return number();
    }
    if (literal("true") || literal("false")) {
      return Kind.BOOLEAN;
    }
    if (literal("null")) {
      return Kind.NULL;
    }
    throw fail("expected a JSON value");
  }

  private boolean literal(String word) {
    if (text.startsWith(word, pos)) {
      pos += word.length();
      return true;
    }
    return false;
  }

  private Kind number() {
    int start = pos;
    boolean fraction = false;
    if (peek() == '-') {
      pos++;
    }
    if (peek() == '0') {
      pos++;
    } else {
      digits();
    }
    if (peek() == '.') {
      pos++;
      fraction = true;
      digits();
    }
    if (peek() == 'e' || peek() == 'E') {
      pos++;
      fraction = true;
      if (peek() == '+' || peek() == '-') {
        pos++;
      }
      digits();
    }
    if (pos == start) {
      throw fail("expected a number");
    }
    return fraction ? Kind.FRACTION : Kind.INTEGER;
  }

  private void digits() {
    int start = pos;
    while (peek() >= '0' && peek() <= '9') {
      pos++;
    }
    if (pos == start) {
      throw fail("expected a digit");
    }
  }

  private String string() {
    expect('"');
    StringBuilder out = new StringBuilder();
    while (true) {
      char c = next();
      if (c == '"') {
        return out.toString();
      }
      if (c < 0x20) {
        throw fail("control character in a string");
      }
      if (c != '\\') {
        out.append(c);
        continue;
      }
      char e = next();
      switch (e) {
        case '"', '\\', '/' -> out.append(e);
        case 'b' -> out.append('\b');
        case 'f' -> out.append('\f');
        case 'n' -> out.append('\n');
        case 'r' -> out.append('\r');
        case 't' -> out.append('\t');
        case 'u' -> {
          if (pos + 4 > text.length()) {
            throw fail("short \\u escape");
          }
          try {
            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw fail("bad \\u escape");
          }
          pos += 4;
        }
        default -> throw fail("bad escape \\" + e);
      }
    }
  }

  private void expect(char c) {
    if (next() != c) {
      pos--;
      throw fail("expected '" + c + "'");
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private char next() {
    if (pos >= text.length()) {
      pos++;
      return '\0';
    }
    return text.charAt(pos++);
  }

  private void skipSpace() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private IllegalArgumentException fail(String what) {
    return new IllegalArgumentException(
        "it is not valid JSON: " + what + " at character " + Math.min(pos, text.length()));
  }
}
