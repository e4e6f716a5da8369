package dev.procrastinate.processor.validation;

import java.util.Locale;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * Checks that generated code can call a {@code @Task} method: that the method and the classes
 * around it are reachable from the package, that an instance method's class can be instantiated,
 * and that the method has no type parameters and throws nothing a handler cannot rethrow.
 */
final class ShapeValidator {
  private final Elements elements;
  private final Types types;
  private final Diagnostics diagnostics;

  ShapeValidator(Elements elements, Types types, Diagnostics diagnostics) {
    this.elements = elements;
    this.types = types;
    this.diagnostics = diagnostics;
  }

  /** Reports every problem with the method's shape. */
  void validate(TaskSite site) {
    ExecutableElement method = site.method();
    String unreachable = unreachable(method);
    if (unreachable != null) {
      diagnostics.error(
          method,
          site.task(),
          null,
          Message.TASK_NOT_REACHABLE,
          site.signature(),
          site.packageName(),
          unreachable);
    }
    if (!method.getModifiers().contains(Modifier.STATIC)) {
      String why = notInstantiable(site.type());
      if (why != null) {
        diagnostics.error(
            method,
            site.task(),
            null,
            Message.TASK_NOT_INSTANTIABLE,
            site.signature(),
            "class " + site.type().getSimpleName(),
            why);
      }
    }
    if (!method.getTypeParameters().isEmpty()) {
      diagnostics.error(
          method,
          site.task(),
          null,
          Message.TASK_GENERIC,
          site.signature(),
          method.getTypeParameters().stream()
              .map(Object::toString)
              .collect(Collectors.joining(", ", "<", ">")));
    }
    for (TypeMirror thrown : method.getThrownTypes()) {
      if (!isSubtype(thrown, "java.lang.Exception") && !isSubtype(thrown, "java.lang.Error")) {
        diagnostics.error(
            method, site.task(), null, Message.TASK_THROWS_THROWABLE, site.signature(), thrown);
      }
    }
  }

  /** Tells whether the method and every class around it are public. */
  static boolean isPublic(ExecutableElement method) {
    if (!method.getModifiers().contains(Modifier.PUBLIC)) {
      return false;
    }
    for (Element e = method.getEnclosingElement();
        e instanceof TypeElement t;
        e = e.getEnclosingElement()) {
      if (!t.getModifiers().contains(Modifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private boolean isSubtype(TypeMirror type, String qualifiedName) {
    TypeElement element = elements.getTypeElement(qualifiedName);
    return element != null && types.isSubtype(type, element.asType());
  }

  private static @Nullable String unreachable(ExecutableElement method) {
    if (method.getModifiers().contains(Modifier.PRIVATE)) {
      return "it is private";
    }
    for (Element e = method.getEnclosingElement();
        e instanceof TypeElement type;
        e = e.getEnclosingElement()) {
      NestingKind nesting = type.getNestingKind();
      if (nesting == NestingKind.LOCAL || nesting == NestingKind.ANONYMOUS) {
        return "class " + type.getSimpleName() + " is " + nesting.name().toLowerCase(Locale.ROOT);
      }
      if (type.getModifiers().contains(Modifier.PRIVATE)) {
        return "class " + type.getSimpleName() + " is private";
      }
    }
    return null;
  }

  private static @Nullable String notInstantiable(TypeElement type) {
    if (type.getKind() != ElementKind.CLASS) {
      return "is " + article(type.getKind().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }
    if (type.getModifiers().contains(Modifier.ABSTRACT)) {
      return "is abstract";
    }
    if (type.getNestingKind() == NestingKind.MEMBER
        && !type.getModifiers().contains(Modifier.STATIC)) {
      return "is an inner class, which needs an enclosing instance";
    }
    // A constructor without parameters lets the runtime create the instance; one with parameters
    // means constructor injection: a container (the Spring Boot starter) supplies the bean.
    for (ExecutableElement constructor : ElementFilter.constructorsIn(type.getEnclosedElements())) {
      if (!constructor.getModifiers().contains(Modifier.PRIVATE)) {
        return null;
      }
    }
    return "has only private constructors";
  }

  private static String article(String noun) {
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }
}
