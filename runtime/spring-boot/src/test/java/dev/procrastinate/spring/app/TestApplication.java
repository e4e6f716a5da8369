package dev.procrastinate.spring.app;

import dev.procrastinate.AppConfigurer;
import dev.procrastinate.spi.TaskDescriptor;
import dev.procrastinate.spi.TaskRegistrar;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;

/** The application: two tasks, registered by an AppConfigurer bean. */
@SpringBootApplication
public class TestApplication {
  /** Counted down by each run of {@code spring.quick}. */
  public static final CountDownLatch QUICK_RAN = new CountDownLatch(1);

  /** Counted down when {@code spring.slow} starts. */
  public static final CountDownLatch SLOW_STARTED = new CountDownLatch(1);

  /** Ends {@code spring.slow}. */
  public static final CountDownLatch SLOW_RELEASE = new CountDownLatch(1);

  /** Counted down when the context begins to stop its lifecycle beans. */
  public static final CountDownLatch SHUTDOWN_STARTED = new CountDownLatch(1);

  /** Created by Spring. */
  public TestApplication() {}

  /**
   * The tasks.
   *
   * @return the configurer that registers them
   */
  @Bean
  public AppConfigurer tasks() {
    TaskRegistrar registrar =
        () ->
            List.of(
                TaskDescriptor.builder("spring.quick")
                    .source("TestApplication")
                    .build(
                        (context, args) -> {
                          QUICK_RAN.countDown();
                          return null;
                        }),
                TaskDescriptor.builder("spring.slow")
                    .source("TestApplication")
                    .build(
                        (context, args) -> {
                          SLOW_STARTED.countDown();
                          if (!SLOW_RELEASE.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("never released");
                          }
                          return null;
                        }));
    return builder -> builder.taskRegistrars(List.of(registrar));
  }

  /**
   * Signals the start of the shutdown: it stops before the worker (a higher phase).
   *
   * @return the lifecycle
   */
  @Bean
  public SmartLifecycle shutdownSignal() {
    return new SmartLifecycle() {
      private volatile boolean running;

      @Override
      public void start() {
        running = true;
      }

      @Override
      public void stop() {
        running = false;
        SHUTDOWN_STARTED.countDown();
      }

      @Override
      public boolean isRunning() {
        return running;
      }
    };
  }
}
