package com.example.shop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The shop. Run as it is, it is a web-less service with an in-application worker; here its main
 * also plays a scenario once the application is ready, writes what happened to
 * reports/scenario-&lt;profile&gt;.txt, and exits (gracefully: the worker drains first).
 */
@SpringBootApplication
public class ShopApplication {
  public static void main(String[] args) throws Exception {
    ConfigurableApplicationContext context = SpringApplication.run(ShopApplication.class, args);
    String profile = context.getEnvironment().getActiveProfiles()[0];
    List<String> report;
    int exit = 0;
    try {
      report = context.getBean(Scenario.class).play();
    } catch (Throwable e) {
      e.printStackTrace();
      report = List.of("FAILED: " + e);
      exit = 1;
    }
    // Beside target/, which the next Boot line's build cleans.
    Files.createDirectories(Path.of("reports"));
    Files.write(Path.of("reports", "scenario-" + profile + ".txt"), report);
    report.forEach(line -> System.out.println("SCENARIO " + line));
    int closed = SpringApplication.exit(context);
    System.exit(exit != 0 ? exit : closed);
  }
}
