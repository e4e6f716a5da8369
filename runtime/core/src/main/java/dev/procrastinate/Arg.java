package dev.procrastinate;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names a task parameter's key in the job's JSON {@code args} object, when it must differ from the
 * Java parameter name, typically to match a Python task's keyword argument:
 *
 * <pre>{@code
 * @Task(name = "myapp.tasks.send_welcome")
 * public static void sendWelcome(@Arg("user_id") long userId) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.PARAMETER)
public @interface Arg {
  /**
   * The key of this argument in the JSON {@code args} object.
   *
   * @return a non-empty name
   */
  String value();
}
