package dev.procrastinate.maven;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.Log;
import org.apache.maven.project.MavenProject;

/**
 * Runs goals in a plain unit test, without a Maven container: a bare project whose classes are a
 * given directory, parameters set on the goal's fields as Maven would set them, and a log that
 * keeps what the goal printed.
 */
final class Mojos {
  private Mojos() {}

  /**
   * Gives a goal a project in {@code basedir} whose compiled classes are {@code classes}, and a
   * {@link CapturingLog}.
   */
  static <T extends AbstractProcrastinateMojo> T prepare(T mojo, Path basedir, Path classes) {
    MavenProject project = new MavenProject();
    project.setFile(basedir.resolve("pom.xml").toFile());
    project.getBuild().setOutputDirectory(classes.toString());
    project.getBuild().setDirectory(new File(basedir.toFile(), "target").toString());
    mojo.project = project;
    mojo.setLog(new CapturingLog());
    return mojo;
  }

  /** Sets a parameter field, declared by the goal or one of its superclasses. */
  static void set(Object mojo, String name, Object value) {
    for (Class<?> type = mojo.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        field.set(mojo, value);
        return;
      } catch (NoSuchFieldException e) {
        // look in the superclass
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalArgumentException(mojo.getClass().getName() + " has no field " + name);
  }

  /** Returns what a goal prepared here logged, as {@code [LEVEL] message} lines. */
  static List<String> log(AbstractProcrastinateMojo mojo) {
    return ((CapturingLog) mojo.getLog()).lines;
  }

  /** A log that keeps its lines. */
  static final class CapturingLog implements Log {
    final List<String> lines = new ArrayList<>();

    private void add(String level, CharSequence content, Throwable error) {
      lines.add("[" + level + "] " + content + (error == null ? "" : " " + error));
    }

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public void debug(CharSequence content) {}

    @Override
    public void debug(CharSequence content, Throwable error) {}

    @Override
    public void debug(Throwable error) {}

    @Override
    public boolean isInfoEnabled() {
      return true;
    }

    @Override
    public void info(CharSequence content) {
      add("INFO", content, null);
    }

    @Override
    public void info(CharSequence content, Throwable error) {
      add("INFO", content, error);
    }

    @Override
    public void info(Throwable error) {
      add("INFO", "", error);
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public void warn(CharSequence content) {
      add("WARNING", content, null);
    }

    @Override
    public void warn(CharSequence content, Throwable error) {
      add("WARNING", content, error);
    }

    @Override
    public void warn(Throwable error) {
      add("WARNING", "", error);
    }

    @Override
    public boolean isErrorEnabled() {
      return true;
    }

    @Override
    public void error(CharSequence content) {
      add("ERROR", content, null);
    }

    @Override
    public void error(CharSequence content, Throwable error) {
      add("ERROR", content, error);
    }

    @Override
    public void error(Throwable error) {
      add("ERROR", "", error);
    }
  }
}
