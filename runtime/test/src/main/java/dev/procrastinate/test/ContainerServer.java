package dev.procrastinate.test;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A PostgreSQL in a Testcontainers container. Testcontainers is an optional dependency: this class
 * is touched only once {@link #usable()} found it on the class path.
 */
final class ContainerServer {
  private static final String CONTAINER_CLASS = "org.testcontainers.postgresql.PostgreSQLContainer";

  private ContainerServer() {}

  /** A started container and how to reach it. */
  record Started(String url, String user, String password, Runnable stop) {}

  /**
   * Whether Testcontainers' PostgreSQL module is on the class path and a Docker engine answers.
   *
   * @return true if a container can be started
   */
  static boolean usable() {
    try {
      Class.forName(CONTAINER_CLASS, false, ContainerServer.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
    return dockerAvailable();
  }

  private static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * Starts a PostgreSQL 15 container.
   *
   * @return the started container
   */
  static Started start() {
    PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
    container.start();
    return new Started(
        container.getJdbcUrl(), container.getUsername(), container.getPassword(), container::stop);
  }
}
