package dev.procrastinate.spring;

import dev.procrastinate.App;
import java.util.Objects;
import org.springframework.beans.factory.DisposableBean;

/**
 * Keeps the application's app as {@link App#getDefault()} for the life of the context: when the
 * context closes, the default is cleared if it is still this app, so that a later {@code
 * getDefault()} does not hand out a closed app.
 */
public final class DefaultAppBinding implements DisposableBean {
  private final App app;

  /**
   * Installs the app as the default.
   *
   * @param app the app
   */
  public DefaultAppBinding(App app) {
    this.app = Objects.requireNonNull(app, "app");
    App.setDefault(app);
  }

  /** Clears the default if it is still this binding's app. */
  @Override
  public void destroy() {
    App previous = App.setDefault(null);
    if (previous != null && previous != app) {
      App.setDefault(previous);
    }
  }
}
