package dev.procrastinate.maven;

import dev.procrastinate.operations.Operations;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * Prints the SQL of the whole Procrastinate schema (every migration script, in order), on standard
 * output or into a file. Needs no database. Applying it by hand records no version: prefer {@code
 * procrastinate:migrate}.
 *
 * <pre>mvn -q procrastinate:schema > procrastinate.sql
 * mvn procrastinate:schema -Dprocrastinate.outputFile=target/procrastinate.sql</pre>
 */
@Mojo(name = "schema", threadSafe = true)
public final class SchemaMojo extends AbstractProcrastinateMojo {
  /**
   * File to write the SQL into instead of standard output. Also configurable with
   * -Dprocrastinate.outputFile.
   */
  @Parameter(property = "procrastinate.outputFile")
  private @Nullable File outputFile;

  /** Creates the goal. */
  public SchemaMojo() {}

  @Override
  protected void doExecute() throws Exception {
    String sql = Operations.schemaSql();
    if (outputFile == null) {
      System.out.print(sql);
      System.out.flush();
      return;
    }
    File parent = outputFile.getAbsoluteFile().getParentFile();
    if (parent != null) {
      Files.createDirectories(parent.toPath());
    }
    Files.writeString(outputFile.toPath(), sql, StandardCharsets.UTF_8);
    getLog().info("Wrote the Procrastinate schema to " + outputFile);
  }
}
