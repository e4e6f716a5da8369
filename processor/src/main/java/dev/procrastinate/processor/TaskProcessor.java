package dev.procrastinate.processor;

import com.google.auto.service.AutoService;
import com.palantir.javapoet.JavaFile;
import dev.procrastinate.processor.model.Names;
import dev.procrastinate.processor.model.TaskMethod;
import dev.procrastinate.processor.model.TaskModel;
import dev.procrastinate.processor.validation.Annotations;
import dev.procrastinate.processor.validation.Diagnostics;
import dev.procrastinate.processor.validation.Message;
import dev.procrastinate.processor.validation.TaskValidator;
import dev.procrastinate.processor.writing.DeferrerWriter;
import dev.procrastinate.processor.writing.RegistrarWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.ProcessingEnvironment;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.ElementFilter;
import javax.tools.FileObject;
import javax.tools.StandardLocation;
import org.jspecify.annotations.Nullable;

/**
 * Turns {@code @dev.procrastinate.Task} methods into typed deferrers and task registrars. Thin: it
 * collects annotated methods by class, defers classes whose signatures mention types not generated
 * yet, and hands each class to {@link TaskValidator}, {@link DeferrerWriter} and {@link
 * RegistrarWriter}. It never claims the annotations.
 *
 * <p>Options: {@code -Aprocrastinate.debug=true} prints a note for every file written; {@code
 * -Aprocrastinate.verify=false} turns the processor's warnings off (errors stay).
 */
@AutoService(Processor.class)
public final class TaskProcessor extends AbstractProcessor {
  static final String DEBUG_OPTION = "procrastinate.debug";
  static final String VERIFY_OPTION = "procrastinate.verify";
  private static final String SERVICE_FILE = "META-INF/services/" + Names.REGISTRAR_SERVICE;

  private @Nullable Diagnostics diagnostics;
  private @Nullable TaskValidator validator;
  private @Nullable DeferrerWriter deferrerWriter;
  private @Nullable RegistrarWriter registrarWriter;
  private @Nullable RelationCollector relations;
  private boolean debug;
  private final Set<String> deferredTypes = new LinkedHashSet<>();
  private final Set<String> processedTypes = new LinkedHashSet<>();
  private final Set<String> registrars = new TreeSet<>();

  /** Creates the processor; javac finds it through {@link java.util.ServiceLoader}. */
  public TaskProcessor() {}

  @Override
  public synchronized void init(ProcessingEnvironment processingEnv) {
    super.init(processingEnv);
    Map<String, String> options = processingEnv.getOptions();
    this.debug = Boolean.parseBoolean(options.getOrDefault(DEBUG_OPTION, "false"));
    boolean warnings = !"false".equalsIgnoreCase(options.getOrDefault(VERIFY_OPTION, "true"));
    Diagnostics reporter = new Diagnostics(processingEnv.getMessager(), warnings);
    this.diagnostics = reporter;
    this.validator = new TaskValidator(processingEnv, reporter);
    boolean generated =
        processingEnv.getElementUtils().getTypeElement(Names.GENERATED_NAME) != null;
    this.deferrerWriter = new DeferrerWriter(generated);
    this.registrarWriter = new RegistrarWriter(generated);
    this.relations =
        new RelationCollector(
            processingEnv.getElementUtils(), processingEnv.getTypeUtils(), reporter);
  }

  @Override
  public Set<String> getSupportedAnnotationTypes() {
    Set<String> types = new java.util.LinkedHashSet<>();
    types.add(Names.TASK);
    types.add(Names.PERIODIC);
    types.add(Names.PERIODIC_LIST);
    types.addAll(RelationCollector.annotationTypes());
    return types;
  }

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(DEBUG_OPTION, VERIFY_OPTION);
  }

  @Override
  public SourceVersion getSupportedSourceVersion() {
    return SourceVersion.latestSupported();
  }

  @Override
  public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
    Diagnostics reporter = java.util.Objects.requireNonNull(diagnostics);
    try {
      if (round.processingOver()) {
        reportStillDeferred(reporter);
        writeServiceFile(reporter);
        java.util.Objects.requireNonNull(relations).write(processingEnv.getFiler());
      } else {
        java.util.Objects.requireNonNull(relations).collect(round);
        processRound(annotations, round, reporter);
      }
    } catch (Throwable t) {
      StringWriter trace = new StringWriter();
      t.printStackTrace(new PrintWriter(trace));
      reporter.errorWithoutElement(Message.TASK_INTERNAL_ERROR.format("this round", trace));
    }
    return false;
  }

  private void processRound(
      Set<? extends TypeElement> annotations, RoundEnvironment round, Diagnostics reporter) {
    Map<String, TypeElement> types = new LinkedHashMap<>();
    for (String name : deferredTypes) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type != null) {
        types.put(name, type);
      }
    }
    deferredTypes.clear();
    for (TypeElement annotation : annotations) {
      String annotationName = annotation.getQualifiedName().toString();
      if (!annotationName.equals(Names.TASK)
          && !annotationName.equals(Names.PERIODIC)
          && !annotationName.equals(Names.PERIODIC_LIST)) {
        continue; // the relations' annotations, read by RelationCollector
      }
      for (Element element : round.getElementsAnnotatedWith(annotation)) {
        if (element.getKind() != ElementKind.METHOD) {
          continue;
        }
        if (!annotationName.equals(Names.TASK)) {
          if (Annotations.find(element, Names.TASK) == null) {
            reporter.error(
                element,
                Annotations.find(element, annotationName),
                null,
                Message.PERIODIC_WITHOUT_TASK,
                element.getEnclosingElement() + "." + element.getSimpleName());
          }
          continue;
        }
        TypeElement type = (TypeElement) element.getEnclosingElement();
        types.putIfAbsent(type.getQualifiedName().toString(), type);
      }
    }
    for (Map.Entry<String, TypeElement> entry : types.entrySet()) {
      if (!processedTypes.contains(entry.getKey())) {
        processType(entry.getKey(), entry.getValue(), reporter);
      }
    }
  }

  private void processType(String name, TypeElement type, Diagnostics reporter) {
    List<ExecutableElement> methods = new ArrayList<>();
    for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
      if (Annotations.find(method, Names.TASK) != null) {
        if (TaskValidator.hasErrorTypes(method)) {
          deferredTypes.add(name);
          return;
        }
        methods.add(method);
      }
    }
    processedTypes.add(name);
    try {
      TaskModel model = java.util.Objects.requireNonNull(validator).validate(type, methods);
      for (TaskMethod task : model.methods()) {
        write(java.util.Objects.requireNonNull(deferrerWriter).write(model, task), reporter);
      }
      write(java.util.Objects.requireNonNull(registrarWriter).write(model), reporter);
      registrars.add(
          model.packageName().isEmpty()
              ? model.registrarName()
              : model.packageName() + "." + model.registrarName());
    } catch (Diagnostics.AbortTask e) {
      // Problems were reported on the elements; nothing is generated for this class.
    } catch (RuntimeException e) {
      StringWriter trace = new StringWriter();
      e.printStackTrace(new PrintWriter(trace));
      reporter.error(type, null, null, Message.TASK_INTERNAL_ERROR, name, trace);
    }
  }

  private void write(JavaFile file, Diagnostics reporter) {
    try {
      file.writeTo(processingEnv.getFiler());
      if (debug) {
        reporter.note("procrastinate: wrote " + file.packageName() + "." + file.typeSpec().name());
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot write " + file.packageName() + "." + file.typeSpec().name() + ": " + e, e);
    }
  }

  private void reportStillDeferred(Diagnostics reporter) {
    for (String name : deferredTypes) {
      TypeElement type = processingEnv.getElementUtils().getTypeElement(name);
      if (type == null) {
        continue;
      }
      for (ExecutableElement method : ElementFilter.methodsIn(type.getEnclosedElements())) {
        if (Annotations.find(method, Names.TASK) != null && TaskValidator.hasErrorTypes(method)) {
          reporter.error(
              method,
              Annotations.find(method, Names.TASK),
              null,
              Message.TASK_UNRESOLVED_TYPE,
              name + "." + method.getSimpleName());
        }
      }
    }
    deferredTypes.clear();
  }

  /** Writes the service file once, in the last round; a resource does not need another round. */
  private void writeServiceFile(Diagnostics reporter) throws IOException {
    if (registrars.isEmpty()) {
      return;
    }
    Filer filer = processingEnv.getFiler();
    Set<String> all = new TreeSet<>(registrars);
    try {
      FileObject existing = filer.getResource(StandardLocation.CLASS_OUTPUT, "", SERVICE_FILE);
      try (BufferedReader reader =
          new BufferedReader(
              new InputStreamReader(existing.openInputStream(), StandardCharsets.UTF_8))) {
        reader
            .lines()
            .map(String::trim)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .forEach(all::add);
      }
    } catch (IOException | IllegalArgumentException e) {
      // No earlier file: a clean build.
    }
    FileObject file = filer.createResource(StandardLocation.CLASS_OUTPUT, "", SERVICE_FILE);
    try (Writer writer = file.openWriter()) {
      for (String registrar : all) {
        writer.write(registrar);
        writer.write("\n");
      }
    }
    if (debug) {
      reporter.note("procrastinate: wrote " + SERVICE_FILE + " with " + all);
    }
  }
}
