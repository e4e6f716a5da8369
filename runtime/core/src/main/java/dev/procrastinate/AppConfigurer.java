package dev.procrastinate;

/**
 * Changes an {@link App} while it is being built: the Java form of Django Procrastinate's {@code
 * PROCRASTINATE_ON_APP_READY}. Implementations are found with {@link java.util.ServiceLoader} in
 * the class loader of the app (its {@link App.Builder#classLoader(ClassLoader)}, by default the
 * thread's context class loader), listed in {@code
 * META-INF/services/dev.procrastinate.AppConfigurer}.
 *
 * <p>Every {@link App.Builder#build()} (also the one behind {@link App#getDefault()} and of the
 * command line) creates each configurer found with its public no-argument constructor and calls
 * {@link #configure(App.Builder)} on it, in the order of the configurers' class names, before the
 * app is made and becomes immutable. A configurer may set anything the builder offers: the JSON
 * mapper, the task registrars, the periodic max delay. {@link App.Builder#applyConfigurers(boolean)
 * applyConfigurers(false)} turns this off for one builder.
 *
 * <pre>{@code
 * public final class JsonSetup implements AppConfigurer {
 *   @Override
 *   public void configure(App.Builder builder) {
 *     builder.jsonMapper(MyJson.mapper());
 *   }
 * }
 * }</pre>
 */
@FunctionalInterface
public interface AppConfigurer {
  /**
   * Changes the app being built.
   *
   * @param builder the builder of the app, before {@link App.Builder#build()} makes it; do not call
   *     {@code build()} on it
   * @throws Exception to fail the build; the app is not made, and the error names this class
   */
  void configure(App.Builder builder) throws Exception;
}
