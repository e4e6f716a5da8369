package dev.procrastinate.spring;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The application's data source as the app sees it: inside a Spring-managed transaction, the
 * transaction's own connection, whose commit, rollback and close belong to the transaction manager;
 * outside one, a pooled connection in autocommit mode (set for the loan and restored after it when
 * the pool hands out connections that are not), in the configured schema if one is set.
 *
 * <p>So a defer inside {@code @Transactional} joins the transaction (rolled back, the job never
 * existed; committed, it is visible and the trigger's NOTIFY goes out), and outside one it commits
 * at once, also under a pool configured with {@code auto-commit=false}. Thread-safe.
 */
final class SpringTransactionDataSource extends DelegatingDataSource {
  private final @Nullable String schema;

  /**
   * Wraps the application's data source.
   *
   * @param target the data source that Spring's transaction manager binds connections for
   * @param schema the schema to set on connections outside transactions, or null to leave it
   */
  SpringTransactionDataSource(DataSource target, @Nullable String schema) {
    super(target);
    this.schema = schema;
  }

  @Override
  public Connection getConnection() throws SQLException {
    DataSource target = Objects.requireNonNull(getTargetDataSource(), "targetDataSource");
    Connection connection = DataSourceUtils.doGetConnection(target);
    if (DataSourceUtils.isConnectionTransactional(connection, target)) {
      return proxy(connection, new Joined(connection, target));
    }
    boolean autoCommit = connection.getAutoCommit();
    String previousSchema = schema == null ? null : connection.getSchema();
    if (autoCommit && (schema == null || schema.equals(previousSchema))) {
      return connection;
    }
    try {
      if (!autoCommit) {
        connection.setAutoCommit(true);
      }
      if (schema != null) {
        connection.setSchema(schema);
      }
    } catch (SQLException | RuntimeException e) {
      connection.close();
      throw e;
    }
    return proxy(connection, new Restoring(connection, autoCommit, previousSchema));
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLException(
        "procrastinate uses the application's data source with its own credentials;"
            + " getConnection(user, password) is not supported");
  }

  private static Connection proxy(Connection connection, InvocationHandler handler) {
    return (Connection)
        Proxy.newProxyInstance(
            SpringTransactionDataSource.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            handler);
  }

  private static @Nullable Object forward(Connection target, Method method, @Nullable Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  /** The connection of a Spring-managed transaction: the transaction manager ends it. */
  private static final class Joined implements InvocationHandler {
    private final Connection target;
    private final DataSource dataSource;
    private boolean closed;

    Joined(Connection target, DataSource dataSource) {
      this.target = target;
      this.dataSource = dataSource;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args)
        throws Throwable {
      switch (method.getName()) {
        case "equals":
          return args != null && proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "transaction-bound " + target;
        case "close":
          if (!closed) {
            closed = true;
            DataSourceUtils.doReleaseConnection(target, dataSource);
          }
          return null;
        case "isClosed":
          return closed || target.isClosed();
        case "commit":
        case "rollback":
        case "setAutoCommit":
          // Inside an actual transaction (autocommit off) the transaction manager commits or
          // rolls back; a connection merely bound to a synchronization is in autocommit mode, and
          // then these calls are what the caller asked for.
          if (!target.getAutoCommit()) {
            return null;
          }
          return forward(target, method, args);
        default:
          return forward(target, method, args);
      }
    }
  }

  /** A pooled connection whose autocommit mode or schema was changed for the loan. */
  private static final class Restoring implements InvocationHandler {
    private final Connection target;
    private final boolean autoCommit;
    private final @Nullable String schema;
    private boolean closed;

    Restoring(Connection target, boolean autoCommit, @Nullable String schema) {
      this.target = target;
      this.autoCommit = autoCommit;
      this.schema = schema;
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args)
        throws Throwable {
      switch (method.getName()) {
        case "equals":
          return args != null && proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return target.toString();
        case "close":
          if (!closed) {
            closed = true;
            try {
              if (!target.isClosed()) {
                if (target.getAutoCommit() != autoCommit) {
                  target.setAutoCommit(autoCommit);
                }
                if (schema != null) {
                  target.setSchema(schema);
                }
              }
            } finally {
              target.close();
            }
          }
          return null;
        case "isClosed":
          return closed || target.isClosed();
        default:
          return forward(target, method, args);
      }
    }
  }
}
