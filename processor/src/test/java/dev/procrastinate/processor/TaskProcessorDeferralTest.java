package dev.procrastinate.processor;

import static com.google.testing.compile.CompilationSubject.assertThat;
import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Set;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.JavaFileObject;
import org.junit.jupiter.api.Test;

/**
 * A task whose parameter type another processor generates in the first round is deferred to the
 * next round, then generated normally.
 */
class TaskProcessorDeferralTest {
  /** Writes {@code test.Payload} in the first round, as AutoValue or Immutables would. */
  static final class PayloadProcessor extends AbstractProcessor {
    private boolean written;

    @Override
    public Set<String> getSupportedAnnotationTypes() {
      return Set.of("*");
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
      return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
      if (!written) {
        written = true;
        try {
          JavaFileObject file = processingEnv.getFiler().createSourceFile("test.Payload");
          try (Writer writer = file.openWriter()) {
            writer.write("package test;\npublic record Payload(String id, int size) {}\n");
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return false;
    }
  }

  @Test
  void typeGeneratedInTheFirstRoundIsAcceptedInTheNext() {
    Compilation compilation =
        javac()
            .withProcessors(new TaskProcessor(), new PayloadProcessor())
            .withOptions("-Xlint:all,-processing")
            .compile(
                Sources.source(
                    "test.Tasks",
                    """
                    package test;
                    import dev.procrastinate.Task;
                    import java.util.List;
                    public class Tasks {
                      @Task(name = "t")
                      static void run(Payload payload, List<Payload> more) {}
                    }
                    """));
    assertThat(compilation).succeededWithoutWarnings();
    assertThat(compilation).generatedSourceFile("test.RunDeferrer");
    assertThat(compilation)
        .generatedSourceFile("test.Tasks_TaskRegistrar")
        .contentsAsUtf8String()
        .contains("args.get(\"payload\", Payload.class)");
  }
}
