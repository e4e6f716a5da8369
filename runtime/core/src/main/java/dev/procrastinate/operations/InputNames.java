package dev.procrastinate.operations;

/**
 * How a front end spells its inputs, so that the operations layer's messages name them as the user
 * wrote them. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface InputNames {
  /** Names inputs by their key, e.g. {@code queueingLock}: for callers that are no front end. */
  InputNames KEYS = Input::key;

  /**
   * Returns how the user names an input.
   *
   * @param input the input
   * @return e.g. {@code --at} or {@code procrastinate.at}
   */
  String name(Input input);

  /**
   * Returns how the user turns a yes/no input on, for messages that suggest it.
   *
   * @param input a yes/no input, such as {@link Input#UNKNOWN}
   * @return by default the name followed by {@code =true}; a command-line flag is just its name
   */
  default String enabled(Input input) {
    return name(input) + "=true";
  }
}
