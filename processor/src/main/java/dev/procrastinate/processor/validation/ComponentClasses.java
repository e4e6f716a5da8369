package dev.procrastinate.processor.validation;

import java.util.List;
import java.util.Set;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import org.jspecify.annotations.Nullable;

/**
 * Checks the classes named in {@code @Task(retryPolicy)} and {@code @Task(middleware)}: generated
 * registrars create them with {@code new X()}, so each must be a concrete, non-generic class of the
 * right interface that code in the task's package can instantiate.
 */
final class ComponentClasses {
  private final Elements elements;
  private final Types types;

  ComponentClasses(Elements elements, Types types) {
    this.elements = elements;
    this.types = types;
  }

  /**
   * Returns why the class cannot serve, or null if it can.
   *
   * @param type the class literal's type, or null when it did not resolve
   * @param interfaceName the interface it must implement
   * @param packageName the package of the generated registrar
   */
  @Nullable String problem(@Nullable TypeMirror type, String interfaceName, String packageName) {
    if (type == null || type.getKind() != TypeKind.DECLARED) {
      return "the class could not be resolved";
    }
    TypeElement element = (TypeElement) ((DeclaredType) type).asElement();
    if (element.getKind() != ElementKind.CLASS && element.getKind() != ElementKind.RECORD) {
      return "it is " + describe(element.getKind()) + ", not a class";
    }
    Set<Modifier> modifiers = element.getModifiers();
    if (modifiers.contains(Modifier.ABSTRACT)) {
      return "it is abstract";
    }
    if (!element.getTypeParameters().isEmpty()) {
      return "it is generic, so generated code would create a raw type";
    }
    TypeElement required = elements.getTypeElement(interfaceName);
    if (required != null && !types.isAssignable(type, types.erasure(required.asType()))) {
      return "it does not implement " + interfaceName;
    }
    for (Element e = element; e instanceof TypeElement t; e = e.getEnclosingElement()) {
      if (t.getNestingKind() == NestingKind.MEMBER && !t.getModifiers().contains(Modifier.STATIC)) {
        return t.getSimpleName() + " is an inner class, which needs an enclosing instance";
      }
      if (!visibleFrom(t.getModifiers(), t, packageName)) {
        return t.getQualifiedName() + " is not visible from package " + packageName;
      }
    }
    List<ExecutableElement> constructors =
        ElementFilter.constructorsIn(element.getEnclosedElements());
    boolean usable =
        constructors.stream()
            .anyMatch(
                c ->
                    c.getParameters().isEmpty()
                        && !c.isVarArgs()
                        && c.getThrownTypes().isEmpty()
                        && visibleFrom(c.getModifiers(), element, packageName));
    if (!usable) {
      return "it has no constructor without parameters and throws clause that package "
          + packageName
          + " can call";
    }
    return null;
  }

  private static boolean visibleFrom(Set<Modifier> modifiers, Element owner, String packageName) {
    if (modifiers.contains(Modifier.PUBLIC)) {
      return true;
    }
    return !modifiers.contains(Modifier.PRIVATE) && MoreTypes.packageOf(owner).equals(packageName);
  }

  private static String describe(ElementKind kind) {
    return switch (kind) {
      case INTERFACE -> "an interface";
      case ENUM -> "an enum";
      case ANNOTATION_TYPE -> "an annotation";
      default -> kind.name().toLowerCase(java.util.Locale.ROOT);
    };
  }
}
