package dev.procrastinate.dashboard;

import gg.jte.html.OwaspHtmlTemplateOutput;
import gg.jte.output.StringOutput;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Where the templates write a page: their markup as is, every value escaped for where it stands.
 * Element text has {@code &}, {@code <}, {@code >} and {@code "} escaped, attribute values {@code
 * '} as well, so that a job's argument or a task's name shows as text whatever it holds. A value in
 * a script, in an event handler or in a URL attribute is left to jte's own output, which escapes it
 * for JavaScript or drops a {@code javascript:} URL. Not thread-safe; one per page.
 */
final class HtmlOutput extends OwaspHtmlTemplateOutput {
  /** The attributes whose value is a URL, which jte's own output checks. */
  private static final Set<String> URL_ATTRIBUTES =
      Set.of("href", "src", "srcdoc", "action", "formaction");

  private final StringOutput out;
  private @Nullable String tag;
  private @Nullable String attribute;

  HtmlOutput() {
    this(new StringOutput(8192));
  }

  private HtmlOutput(StringOutput out) {
    super(out);
    this.out = out;
  }

  @Override
  public void setContext(String tagName, @Nullable String attributeName) {
    super.setContext(tagName, attributeName);
    this.tag = tagName;
    this.attribute = attributeName == null ? null : attributeName.toLowerCase(Locale.ROOT);
  }

  @Override
  public void writeUserContent(@Nullable String value) {
    if (value != null && isText()) {
      out.writeContent(escape(value, attribute != null));
    } else {
      super.writeUserContent(value);
    }
  }

  /** Tells whether a value written now is plain text: element text or an ordinary attribute. */
  private boolean isText() {
    if (attribute == null) {
      return !"script".equalsIgnoreCase(tag);
    }
    return !attribute.startsWith("on") && !URL_ATTRIBUTES.contains(attribute);
  }

  /** Escapes text for an element's content, or for a quoted attribute's value. */
  private static String escape(String value, boolean inAttribute) {
    StringBuilder escaped = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String replacement =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> "&quot;";
            case '\'' -> inAttribute ? "&#39;" : null;
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
