package dev.procrastinate.processor.validation;

import javax.lang.model.element.Element;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;

/** Small questions about types and elements that several validators ask. */
final class MoreTypes {
  private MoreTypes() {}

  /** Tells whether a type is the declared type of this qualified name, whatever its arguments. */
  static boolean isType(TypeMirror type, String qualifiedName) {
    return type.getKind() == TypeKind.DECLARED
        && ((TypeElement) ((DeclaredType) type).asElement())
            .getQualifiedName()
            .contentEquals(qualifiedName);
  }

  /** Tells whether a type, or the element type of an array, has type arguments. */
  static boolean hasTypeArguments(TypeMirror type) {
    return switch (type.getKind()) {
      case DECLARED -> !((DeclaredType) type).getTypeArguments().isEmpty();
      case ARRAY -> hasTypeArguments(((ArrayType) type).getComponentType());
      default -> false;
    };
  }

  /** Returns the qualified name of the package an element is in. */
  static String packageOf(Element element) {
    Element e = element;
    while (!(e instanceof PackageElement)) {
      e = e.getEnclosingElement();
    }
    return ((PackageElement) e).getQualifiedName().toString();
  }
}
