package dev.procrastinate.processor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreeScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The processor's packages form layers without a cycle: {@code model} uses no other package of the
 * processor, {@code validation} and {@code writing} use {@code model} only, and the root package,
 * the entry point, uses any. Read from the main sources with javac's parser, so that imports and
 * qualified names in code count, and comments and strings do not.
 */
class PackageDependenciesTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final String ROOT = "dev.procrastinate.processor";

  /** Each package below the root, with the other packages of the processor it may use. */
  private static final Map<String, Set<String>> ALLOWED =
      Map.of(
          ROOT + ".model", Set.of(),
          ROOT + ".validation", Set.of(ROOT + ".model"),
          ROOT + ".writing", Set.of(ROOT + ".model"));

  @Test
  void packagesUseOnlyTheLayersBelowThem() throws IOException {
    Map<String, Set<String>> uses = new TreeMap<>();
    List<String> violations = new ArrayList<>();
    for (CompilationUnitTree unit : parseMainSources()) {
      String own = unit.getPackageName().toString();
      Set<String> used = uses.computeIfAbsent(own, p -> new TreeSet<>());
      for (String reference : references(unit)) {
        String target = packageOf(reference);
        if (target.equals(own)) {
          continue;
        }
        used.add(target);
        if (!own.equals(ROOT) && !ALLOWED.getOrDefault(own, Set.of()).contains(target)) {
          violations.add(
              MAIN.toUri().relativize(unit.getSourceFile().toUri())
                  + " uses "
                  + reference
                  + ", but "
                  + own
                  + " may use only "
                  + ALLOWED.get(own));
        }
      }
    }
    Set<String> packages = new TreeSet<>(ALLOWED.keySet());
    packages.add(ROOT);
    assertThat(uses.keySet()).as("every package has its place in ALLOWED").isEqualTo(packages);
    assertThat(uses.get(ROOT)).as("the entry point, seen by the scan").isEqualTo(ALLOWED.keySet());
    assertThat(violations).isEmpty();
  }

  private static List<CompilationUnitTree> parseMainSources() throws IOException {
    List<Path> sources;
    try (Stream<Path> walk = Files.walk(MAIN)) {
      sources = walk.filter(file -> file.toString().endsWith(".java")).toList();
    }
    assertThat(sources).isNotEmpty();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavacTask task =
          (JavacTask)
              javac.getTask(
                  null, files, null, List.of(), null, files.getJavaFileObjectsFromPaths(sources));
      List<CompilationUnitTree> units = new ArrayList<>();
      task.parse().forEach(units::add);
      return units;
    }
  }

  /** The processor's names in imports and code, each as written, without the package clause. */
  private static List<String> references(CompilationUnitTree unit) {
    List<String> out = new ArrayList<>();
    TreeScanner<Void, List<String>> scanner =
        new TreeScanner<>() {
          @Override
          public Void visitMemberSelect(MemberSelectTree tree, List<String> names) {
            String name = tree.toString();
            if (name.startsWith(ROOT + ".")) {
              names.add(name);
              return null;
            }
            return super.visitMemberSelect(tree, names);
          }
        };
    scanner.scan(unit.getImports(), out);
    for (Tree type : unit.getTypeDecls()) {
      scanner.scan(type, out);
    }
    return out;
  }

  /** The package of a qualified name: the longest of the processor's packages that it is in. */
  private static String packageOf(String name) {
    return ALLOWED.keySet().stream().filter(p -> name.startsWith(p + ".")).findFirst().orElse(ROOT);
  }
}
