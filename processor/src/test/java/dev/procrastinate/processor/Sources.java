package dev.procrastinate.processor;

import static com.google.testing.compile.Compiler.javac;

import com.google.testing.compile.Compilation;
import com.google.testing.compile.Compiler;
import com.google.testing.compile.JavaFileObjects;
import javax.tools.JavaFileObject;

/** Compiles test sources through real javac with the processor. */
final class Sources {
  private Sources() {}

  /** A javac with the processor and the lint options of the project's build. */
  static Compiler compiler() {
    return javac().withProcessors(new TaskProcessor()).withOptions("-Xlint:all,-processing");
  }

  /** A source file for a class of this qualified name. */
  static JavaFileObject source(String qualifiedName, String text) {
    return JavaFileObjects.forSourceString(qualifiedName, text);
  }

  static Compilation compile(JavaFileObject... files) {
    return compiler().compile(files);
  }
}
