package dev.procrastinate.processor.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.Elements;
import org.jspecify.annotations.Nullable;

/** Reads annotation mirrors by the annotation's qualified name, since runtime types are unknown. */
public final class Annotations {
  private final Elements elements;

  /** Creates a reader that takes default values from these element utilities. */
  public Annotations(Elements elements) {
    this.elements = elements;
  }

  /** Returns the annotation of this name on the element, or null. */
  public static @Nullable AnnotationMirror find(Element element, String qualifiedName) {
    for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
      TypeElement type = (TypeElement) mirror.getAnnotationType().asElement();
      if (type.getQualifiedName().contentEquals(qualifiedName)) {
        return mirror;
      }
    }
    return null;
  }

  /** Returns the value as written in source, or null when the default applies. */
  public static @Nullable AnnotationValue explicit(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        mirror.getElementValues().entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /** Returns the value, written or default. */
  public AnnotationValue value(AnnotationMirror mirror, String name) {
    for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry :
        elements.getElementValuesWithDefaults(mirror).entrySet()) {
      if (entry.getKey().getSimpleName().contentEquals(name)) {
        return entry.getValue();
      }
    }
    throw new IllegalArgumentException(
        "no member "
            + name
            + " in "
            + mirror.getAnnotationType()
            + "; processor and runtime differ"
            + " in version");
  }

  String string(AnnotationMirror mirror, String name) {
    return (String) value(mirror, name).getValue();
  }

  int intValue(AnnotationMirror mirror, String name) {
    return ((Number) value(mirror, name).getValue()).intValue();
  }

  long longValue(AnnotationMirror mirror, String name) {
    return ((Number) value(mirror, name).getValue()).longValue();
  }

  AnnotationMirror annotation(AnnotationMirror mirror, String name) {
    return (AnnotationMirror) value(mirror, name).getValue();
  }

  /** Returns the elements of an array-valued member. */
  List<AnnotationValue> list(AnnotationMirror mirror, String name) {
    Object value = value(mirror, name).getValue();
    List<AnnotationValue> out = new ArrayList<>();
    if (value instanceof List<?> items) {
      for (Object item : items) {
        out.add((AnnotationValue) item);
      }
    }
    return out;
  }

  List<String> strings(AnnotationMirror mirror, String name) {
    return list(mirror, name).stream().map(v -> String.valueOf(v.getValue())).toList();
  }

  /** Returns a class literal, or null when the class did not resolve. */
  @Nullable TypeMirror classValue(AnnotationMirror mirror, String name) {
    return value(mirror, name).getValue() instanceof TypeMirror type ? type : null;
  }

  /** Returns class literals; an unresolved class yields null in its place. */
  List<@Nullable TypeMirror> classes(AnnotationMirror mirror, String name) {
    List<@Nullable TypeMirror> out = new ArrayList<>();
    for (AnnotationValue value : list(mirror, name)) {
      out.add(value.getValue() instanceof TypeMirror type ? type : null);
    }
    return out;
  }
}
