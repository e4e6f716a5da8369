package com.example;

import dev.procrastinate.Task;

/** Tasks of the scenario project. */
public final class Greetings {
  private Greetings() {}

  /**
   * Greets someone, several times.
   *
   * @param name who
   * @param times how often
   * @return the greeting
   */
  @Task(name = "greetings.greet", queue = "greetings")
  public static String greet(String name, int times) {
    String greeting = ("Hello " + name + "! ").repeat(times).trim();
    System.out.println("GREETED: " + greeting);
    return greeting;
  }
}
