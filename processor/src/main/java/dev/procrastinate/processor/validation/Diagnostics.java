package dev.procrastinate.processor.validation;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;
import org.jspecify.annotations.Nullable;

/**
 * Reports errors and warnings on the most specific element, annotation and value, and counts the
 * errors. Modelled on AutoValue's {@code ErrorReporter}.
 */
public final class Diagnostics {
  private final Messager messager;
  private final boolean warnings;
  private int errorCount;

  /**
   * Creates a reporter.
   *
   * @param messager where the diagnostics go
   * @param warnings whether warnings are reported at all
   */
  public Diagnostics(Messager messager, boolean warnings) {
    this.messager = messager;
    this.warnings = warnings;
  }

  /** Reports an error on an element, optionally pointing at an annotation and one of its values. */
  public void error(
      Element element,
      @Nullable AnnotationMirror annotation,
      @Nullable AnnotationValue value,
      Message message,
      Object... args) {
    errorCount++;
    print(Diagnostic.Kind.ERROR, element, annotation, value, message.format(args));
  }

  /**
   * Reports a warning, unless warnings are turned off or suppressed on the element or around it.
   */
  public void warning(
      Element element,
      @Nullable AnnotationMirror annotation,
      @Nullable AnnotationValue value,
      Message message,
      Object... args) {
    if (!warnings || suppressed(element, message)) {
      return;
    }
    print(Diagnostic.Kind.WARNING, element, annotation, value, message.format(args));
  }

  /** Reports an error that belongs to no element, such as a failure of the processor itself. */
  public void errorWithoutElement(String text) {
    errorCount++;
    messager.printMessage(Diagnostic.Kind.ERROR, text);
  }

  /** Reports a note, e.g. under {@code -Aprocrastinate.debug=true}. */
  public void note(String text) {
    messager.printMessage(Diagnostic.Kind.NOTE, text);
  }

  /** Returns the number of errors reported so far. */
  int errorCount() {
    return errorCount;
  }

  private void print(
      Diagnostic.Kind kind,
      Element element,
      @Nullable AnnotationMirror annotation,
      @Nullable AnnotationValue value,
      String text) {
    if (annotation == null) {
      messager.printMessage(kind, text, element);
    } else if (value == null) {
      messager.printMessage(kind, text, element, annotation);
    } else {
      messager.printMessage(kind, text, element, annotation, value);
    }
  }

  private static boolean suppressed(Element element, Message message) {
    for (Element e = element; e != null; e = e.getEnclosingElement()) {
      SuppressWarnings suppress = e.getAnnotation(SuppressWarnings.class);
      if (suppress != null) {
        for (String key : suppress.value()) {
          if (key.equals(message.tag()) || key.equals("all")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Stops work on one enclosing type after its problems were reported; caught by the processor,
   * never thrown out of {@code process()}.
   */
  public static final class AbortTask extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AbortTask() {
      super(null, null, false, false);
    }
  }
}
