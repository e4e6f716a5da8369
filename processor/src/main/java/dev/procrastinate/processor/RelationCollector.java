package dev.procrastinate.processor;

import dev.procrastinate.processor.model.Names;
import dev.procrastinate.processor.validation.Annotations;
import dev.procrastinate.processor.validation.Diagnostics;
import dev.procrastinate.processor.validation.Message;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import javax.annotation.processing.Filer;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.StandardLocation;
import org.jspecify.annotations.Nullable;

/**
 * Finds the JPA relations of application entities to {@code dev.procrastinate.jpa.ProcrastinateJob}
 * (a {@code @ManyToOne} or {@code @OneToOne} field of that type), checks them (seed 002's rules),
 * and records each relation that has an {@code @OnJobDelete} in {@value #RESOURCE}: one line {@code
 * table<TAB>column<TAB>ACTION<TAB>field}, sorted, for {@code mvn procrastinate:relation-sql}.
 *
 * <p>The table is {@code @Table(schema, name)}, else the entity's name under Spring Boot's default
 * naming (snake_case of {@code @Entity(name)} or the class name); the column is
 * {@code @JoinColumn(name)}, else the field's name in snake_case with {@code _id}, as Spring Boot's
 * naming derives it.
 */
final class RelationCollector {
  /** Where the relations are recorded, in the class output. */
  static final String RESOURCE = "META-INF/procrastinate/relations.tsv";

  private static final List<String> RELATIONS =
      List.of(
          "jakarta.persistence.ManyToOne",
          "jakarta.persistence.OneToOne",
          "javax.persistence.ManyToOne",
          "javax.persistence.OneToOne");

  private final Elements elements;
  private final Types types;
  private final Annotations annotations;
  private final Diagnostics diagnostics;
  private final TreeSet<String> lines = new TreeSet<>();
  private final List<Element> origins = new ArrayList<>();

  RelationCollector(Elements elements, Types types, Diagnostics diagnostics) {
    this.elements = elements;
    this.types = types;
    this.annotations = new Annotations(elements);
    this.diagnostics = diagnostics;
  }

  /** The annotations whose elements this collector reads. */
  static List<String> annotationTypes() {
    List<String> names = new ArrayList<>(RELATIONS);
    names.add(Names.ON_JOB_DELETE);
    return names;
  }

  /** Reads the relations of one round. */
  void collect(RoundEnvironment round) {
    TypeElement job = elements.getTypeElement(Names.PROCRASTINATE_JOB_ENTITY);
    if (job == null) {
      return;
    }
    for (String relation : RELATIONS) {
      TypeElement annotation = elements.getTypeElement(relation);
      if (annotation == null) {
        continue;
      }
      for (Element element : round.getElementsAnnotatedWith(annotation)) {
        if (element.getKind() == ElementKind.FIELD
            && types.isSameType(types.erasure(element.asType()), types.erasure(job.asType()))) {
          check((VariableElement) element, Annotations.find(element, relation));
        }
      }
    }
  }

  /** Whether any relation was recorded. */
  boolean isEmpty() {
    return lines.isEmpty();
  }

  /** Writes the resource; called in the last round (a resource, so no last-round warning). */
  void write(Filer filer) throws IOException {
    if (lines.isEmpty()) {
      return;
    }
    try (Writer writer =
        filer
            .createResource(
                StandardLocation.CLASS_OUTPUT, "", RESOURCE, origins.toArray(new Element[0]))
            .openWriter()) {
      writer.write(
          "# Relations of entities to procrastinate_jobs, written by procrastinate-processor:\n"
              + "# table, column, ON DELETE action, field. Read by mvn procrastinate:relation-sql.\n");
      for (String line : lines) {
        writer.write(line);
        writer.write('\n');
      }
    }
  }

  private void check(VariableElement field, @Nullable AnnotationMirror relation) {
    TypeElement entity = (TypeElement) field.getEnclosingElement();
    String where = entity.getQualifiedName() + "." + field.getSimpleName();
    AnnotationMirror joinColumn = joinColumn(field);
    String column = columnName(field, joinColumn);
    AnnotationMirror onJobDelete = Annotations.find(field, Names.ON_JOB_DELETE);
    if (onJobDelete == null) {
      diagnostics.warning(field, relation, null, Message.RELATION_WITHOUT_ON_JOB_DELETE, where);
    }
    AnnotationValue foreignKey =
        joinColumn == null ? null : Annotations.explicit(joinColumn, "foreignKey");
    if (!noConstraint(foreignKey)) {
      diagnostics.warning(
          field,
          joinColumn == null ? relation : joinColumn,
          foreignKey,
          Message.RELATION_GENERATED_FOREIGN_KEY,
          where);
    }
    if (onJobDelete == null) {
      return;
    }
    AnnotationValue actionValue = annotations.value(onJobDelete, "value");
    String action = String.valueOf(actionValue.getValue());
    if (action.equals("SET_NULL")) {
      String why = notNullable(relation, joinColumn);
      if (why != null) {
        diagnostics.error(
            field,
            onJobDelete,
            actionValue,
            Message.RELATION_SET_NULL_NOT_NULLABLE,
            where,
            column,
            why);
        return;
      }
    }
    if (action.equals("SET_DEFAULT")) {
      AnnotationValue definition =
          joinColumn == null ? null : Annotations.explicit(joinColumn, "columnDefinition");
      if (definition == null
          || !String.valueOf(definition.getValue()).toLowerCase(Locale.ROOT).contains("default")) {
        diagnostics.error(
            field,
            onJobDelete,
            actionValue,
            Message.RELATION_SET_DEFAULT_WITHOUT_DEFAULT,
            where,
            column);
        return;
      }
    }
    lines.add(tableName(entity) + "\t" + column + "\t" + action.replace('_', ' ') + "\t" + where);
    origins.add(entity);
  }

  private static @Nullable AnnotationMirror joinColumn(Element field) {
    AnnotationMirror mirror = Annotations.find(field, "jakarta.persistence.JoinColumn");
    return mirror != null ? mirror : Annotations.find(field, "javax.persistence.JoinColumn");
  }

  private static boolean noConstraint(@Nullable AnnotationValue foreignKey) {
    if (foreignKey == null || !(foreignKey.getValue() instanceof AnnotationMirror key)) {
      return false;
    }
    AnnotationValue mode = Annotations.explicit(key, "value");
    return mode != null && String.valueOf(mode.getValue()).equals("NO_CONSTRAINT");
  }

  private static @Nullable String notNullable(
      @Nullable AnnotationMirror relation, @Nullable AnnotationMirror joinColumn) {
    AnnotationValue optional = relation == null ? null : Annotations.explicit(relation, "optional");
    if (optional != null && Boolean.FALSE.equals(optional.getValue())) {
      return "optional = false";
    }
    AnnotationValue nullable =
        joinColumn == null ? null : Annotations.explicit(joinColumn, "nullable");
    if (nullable != null && Boolean.FALSE.equals(nullable.getValue())) {
      return "nullable = false";
    }
    return null;
  }

  private static String columnName(VariableElement field, @Nullable AnnotationMirror joinColumn) {
    AnnotationValue name = joinColumn == null ? null : Annotations.explicit(joinColumn, "name");
    if (name != null && !String.valueOf(name.getValue()).isBlank()) {
      return String.valueOf(name.getValue());
    }
    return snakeCase(field.getSimpleName().toString()) + "_id";
  }

  private static String tableName(TypeElement entity) {
    AnnotationMirror table = Annotations.find(entity, "jakarta.persistence.Table");
    if (table == null) {
      table = Annotations.find(entity, "javax.persistence.Table");
    }
    String schema = "";
    String name = "";
    if (table != null) {
      AnnotationValue schemaValue = Annotations.explicit(table, "schema");
      AnnotationValue nameValue = Annotations.explicit(table, "name");
      schema = schemaValue == null ? "" : String.valueOf(schemaValue.getValue());
      name = nameValue == null ? "" : String.valueOf(nameValue.getValue());
    }
    if (name.isBlank()) {
      AnnotationMirror entityAnnotation = Annotations.find(entity, "jakarta.persistence.Entity");
      if (entityAnnotation == null) {
        entityAnnotation = Annotations.find(entity, "javax.persistence.Entity");
      }
      AnnotationValue entityName =
          entityAnnotation == null ? null : Annotations.explicit(entityAnnotation, "name");
      String base =
          entityName == null || String.valueOf(entityName.getValue()).isBlank()
              ? entity.getSimpleName().toString()
              : String.valueOf(entityName.getValue());
      name = snakeCase(base);
    }
    return schema.isBlank() ? name : schema + "." + name;
  }

  /** Spring Boot's default physical naming: camelCase to snake_case, lower case. */
  static String snakeCase(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (i > 0 && Character.isUpperCase(c) && Character.isLowerCase(name.charAt(i - 1))) {
        out.append('_');
      }
      out.append(Character.toLowerCase(c));
    }
    return out.toString().replace('.', '_');
  }
}
