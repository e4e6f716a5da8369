package dev.procrastinate.internal.relations;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * PostgreSQL identifiers: parsing of possibly qualified names, quoting only where PostgreSQL needs
 * it, and a stable way to fit a name in PostgreSQL's 63 bytes. Stateless. Not API.
 */
public final class Identifiers {
  /** The longest identifier PostgreSQL keeps ({@code NAMEDATALEN - 1}), in bytes. */
  public static final int MAX_BYTES = 63;

  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_]*");

  /**
   * The keywords PostgreSQL's {@code quote_ident} quotes: every keyword that is not unreserved
   * ({@code pg_get_keywords()} categories R, T and C of PostgreSQL 13 to 17).
   */
  static final Set<String> KEYWORDS =
      Set.of(
          """
          all analyse analyze and any array as asc asymmetric authorization binary both case cast
          check collate collation column concurrently constraint create cross current_catalog
          current_date current_role current_schema current_time current_timestamp current_user
          default deferrable desc distinct do else end except false fetch for foreign freeze from
          full grant group having ilike in initially inner intersect into is isnull join lateral
          leading left like limit localtime localtimestamp natural not notnull null offset on only
          or order outer overlaps placing primary references returning right select session_user
          similar some symmetric system_user table tablesample then to trailing true union unique
          user using variadic verbose when where window with
          between bigint bit boolean char character coalesce dec decimal exists extract float
          greatest grouping inout int integer interval json json_array json_arrayagg json_exists
          json_object json_objectagg json_query json_scalar json_serialize json_table json_value
          least merge_action national nchar none normalize nullif numeric out overlay position
          precision real row setof smallint substring time timestamp treat trim values varchar
          xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse xmlpi
          xmlroot xmlserialize xmltable
          """
              .strip()
              .split("\\s+"));

  private Identifiers() {}

  /**
   * Quotes an identifier if PostgreSQL would not read it back unchanged without quotes: anything
   * but ASCII lower-case letters, digits (not first) and {@code _}, or a reserved keyword.
   *
   * @param name the exact name
   * @return the name as it must appear in SQL
   */
  public static String quote(String name) {
    if (PLAIN.matcher(name).matches() && !KEYWORDS.contains(name)) {
      return name;
    }
    return '"' + name.replace("\"", "\"\"") + '"';
  }

  /**
   * Splits a possibly schema-qualified name at the dots outside double quotes; quoted parts keep
   * their exact text ({@code ""} stands for one quote), unquoted parts are kept as written.
   *
   * @param text e.g. {@code orders}, {@code app.orders} or {@code "My Schema".orders}
   * @param what what the name is, for messages, e.g. "table"
   * @return one or two parts
   * @throws IllegalArgumentException if the text is empty, has an empty part, more than two parts,
   *     an unclosed quote, or a part longer than 63 bytes
   */
  public static List<String> splitQualified(String text, String what) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    boolean partWasQuoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            current.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          current.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        partWasQuoted = true;
      } else if (c == '.') {
        parts.add(part(current, partWasQuoted, text, what));
        current.setLength(0);
        partWasQuoted = false;
      } else {
        current.append(c);
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(what + " '" + text + "' has an unclosed double quote");
    }
    parts.add(part(current, partWasQuoted, text, what));
    if (parts.size() > 2) {
      throw new IllegalArgumentException(
          what + " '" + text + "' has more than two parts; write table or schema.table");
    }
    return List.copyOf(parts);
  }

  private static String part(StringBuilder current, boolean quoted, String text, String what) {
    String part = quoted ? current.toString() : current.toString().trim();
    checkName(part, what + " '" + printable(text) + "'");
    return part;
  }

  /**
   * Checks that a name is not empty, holds no control character and fits PostgreSQL's 63 bytes.
   * Names are written into SQL and into the comments of the generated migrations, where a line
   * break would end the comment and turn the rest of the name into SQL.
   *
   * @param name the name
   * @param what what it is, for messages; already {@link #printable(String) printable}
   * @return the name
   * @throws IllegalArgumentException if empty, holding a control or line-separator character, or
   *     too long
   */
  public static String checkName(String name, String what) {
    if (name.isBlank()) {
      throw new IllegalArgumentException(what + " has an empty name");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (isControl(c)) {
        throw new IllegalArgumentException(
            what
                + " holds the control character "
                + String.format(Locale.ROOT, "U+%04X", (int) c)
                + " ("
                + Character.getName(c)
                + "); a name written into SQL and its comments must not hold control characters:"
                + " remove it");
      }
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          what
              + " is "
              + bytes
              + " bytes long; PostgreSQL keeps at most "
              + MAX_BYTES
              + " bytes of a name and would cut it");
    }
    return name;
  }

  private static boolean isControl(char c) {
    return Character.isISOControl(c)
        || c == '\u2028' // LINE SEPARATOR
        || c == '\u2029'; // PARAGRAPH SEPARATOR
  }

  /**
   * Writes a text so that it prints on one line and shows every character: control and
   * line-separator characters become {@code \n}, {@code \r}, {@code \t} or a Java-style Unicode
   * escape; a backslash is doubled only when the text needed escaping.
   *
   * @param text any text, such as a configured name that may be invalid
   * @return the text, unchanged when it holds no such character
   */
  public static String printable(String text) {
    if (text.chars().noneMatch(c -> isControl((char) c))) {
      return text;
    }
    StringBuilder out = new StringBuilder();
    for (char c : text.toCharArray()) {
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        default -> {
          if (isControl(c)) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /**
   * Fits a name in 63 bytes: a name that fits is returned as it is; a longer one is cut at a
   * character boundary and ends with {@code _} and 8 hex digits of the SHA-256 of the whole name,
   * so that the same name always gives the same result and two long names sharing a prefix differ.
   *
   * @param name any name
   * @return a name of at most 63 bytes
   */
  public static String fit(String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_BYTES) {
      return name;
    }
    String suffix = "_" + HexFormat.of().formatHex(sha256(bytes), 0, 4);
    int budget = MAX_BYTES - suffix.length();
    StringBuilder kept = new StringBuilder();
    int used = 0;
    for (int i = 0; i < name.length(); ) {
      int codePoint = name.codePointAt(i);
      int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
      if (used + size > budget) {
        break;
      }
      kept.appendCodePoint(codePoint);
      used += size;
      i += Character.charCount(codePoint);
    }
    return kept + suffix;
  }

  /**
   * Turns a name into a piece of a file name: ASCII letters and digits kept (lower-cased), anything
   * else becomes {@code _}.
   *
   * @param name a name
   * @return e.g. {@code app_orders} for {@code app.Orders}
   */
  public static String fileSafe(String name) {
    StringBuilder out = new StringBuilder();
    for (char c : name.toLowerCase(Locale.ROOT).toCharArray()) {
      out.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '_');
    }
    return out.toString();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
