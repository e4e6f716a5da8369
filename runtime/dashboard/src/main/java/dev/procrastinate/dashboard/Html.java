package dev.procrastinate.dashboard;

import org.jspecify.annotations.Nullable;

/**
 * A page being written: text is always escaped unless written with {@link #raw}. Not thread-safe;
 * one per response.
 */
final class Html {
  private final StringBuilder out = new StringBuilder(8192);

  /** Appends markup as is: only for constant markup of this package. */
  Html raw(String markup) {
    out.append(markup);
    return this;
  }

  /** Appends text, escaped for an element's content or a quoted attribute. */
  Html text(@Nullable Object value) {
    out.append(escape(value == null ? "" : String.valueOf(value)));
    return this;
  }

  /** Opens an element with attributes given as name, value pairs; values are escaped. */
  Html open(String tag, String... attributes) {
    out.append('<').append(tag);
    for (int i = 0; i + 1 < attributes.length; i += 2) {
      out.append(' ')
          .append(attributes[i])
          .append("=\"")
          .append(escape(attributes[i + 1]))
          .append('"');
    }
    out.append('>');
    return this;
  }

  /** Closes an element. */
  Html close(String tag) {
    out.append("</").append(tag).append('>');
    return this;
  }

  /** Writes an element holding text. */
  Html element(String tag, @Nullable Object text, String... attributes) {
    return open(tag, attributes).text(text).close(tag);
  }

  /** Writes a link. */
  Html link(String href, @Nullable Object text, String... attributes) {
    String[] all = new String[attributes.length + 2];
    all[0] = "href";
    all[1] = href;
    System.arraycopy(attributes, 0, all, 2, attributes.length);
    return element("a", text, all);
  }

  static String escape(String value) {
    StringBuilder escaped = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String replacement =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            default -> null;
          };
      if (replacement != null) {
        if (escaped == null) {
          escaped = new StringBuilder(value.length() + 16).append(value, 0, i);
        }
        escaped.append(replacement);
      } else if (escaped != null) {
        escaped.append(c);
      }
    }
    return escaped == null ? value : escaped.toString();
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
