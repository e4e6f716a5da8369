package com.example;

import dev.procrastinate.Task;

public final class Greetings {
  private Greetings() {}

  @Task(name = "greetings.greet", queue = "greetings")
  public static String greet(String name, int times) {
    String greeting = ("Hello " + name + "! ").repeat(times).trim();
    System.out.println("GREETED: " + greeting);
    return greeting;
  }
}
